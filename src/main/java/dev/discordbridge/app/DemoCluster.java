package dev.discordbridge.app;

import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo mode in a cluster: the nodes agree on one demo JWT secret (the first node to join writes
 * the one it generated into the cluster's map; the others adopt it), so a demo token from any node
 * works on every node. A secret the operator set (AUTH_JWT_SECRET) is never replaced.
 */
final class DemoCluster {
  static final String MAP = "bridge.demo";
  static final String SECRET_KEY = "jwtSecret";
  private static final Logger log = LoggerFactory.getLogger(DemoCluster.class);

  private DemoCluster() {}

  static Future<BridgeConfig> agree(Vertx vertx, BridgeConfig config, boolean clustered) {
    if (!clustered || !config.auth().demo() || !config.auth().generatedSecret()) {
      return Future.succeededFuture(config);
    }
    return vertx.sharedData().<String, String>getClusterWideMap(MAP)
        .compose(map -> map.putIfAbsent(SECRET_KEY, config.auth().jwtSecret()))
        .map(existing -> {
          if (existing == null) {
            log.info("demo mode in a cluster: this node made the cluster's demo token secret");
            return config;
          }
          log.info("demo mode in a cluster: adopted the cluster's demo token secret (tokens from any node work here)");
          return config.withDemoSecret(existing);
        })
        .recover(err -> Future.failedFuture(new IllegalStateException(
            "demo mode in a cluster: could not agree on the demo token secret: " + err.getMessage(), err)));
  }
}
