package dev.discordbridge.edge;

import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.bus.BusCodecs;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamEventCodec;
import dev.discordbridge.ops.JsonLimits;
import dev.discordbridge.ops.Metrics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** Shared set-up of the integration tests: a config, a deployed router, tokens. */
public final class StreamTestSupport {
  private StreamTestSupport() {}

  public static final String SECRET = "0123456789abcdef0123456789abcdef-stream-tests";
  public static final String LINK_TOKEN = "link-token-for-tests-0123456789";

  public static JsonObject baseConfig(int port) {
    return new JsonObject()
        .put("GATEWAY_WS_URL", "ws://127.0.0.1:9/gateway")
        .put("LINK_TOKEN", LINK_TOKEN)
        .put("AUTH_JWT_SECRET", SECRET)
        .put("HTTP_HOST", "127.0.0.1")
        .put("HTTP_PORT", port)
        .put("NODE_ID", "test-node");
  }

  public static int freePort() {
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A Vert.x as a node builds it for the edge: JSON limits, Prometheus metrics, the bus codecs. */
  public static Vertx edgeVertx() {
    JsonLimits.apply();
    Vertx vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(Metrics.options())).build();
    registerCodec(vertx);
    return vertx;
  }

  public static void registerCodec(Vertx vertx) {
    vertx.eventBus().registerDefaultCodec(StreamEvent.class, new StreamEventCodec());
    BusCodecs.register(vertx.eventBus());
  }

  public static String deploy(Vertx vertx, BridgeConfig config, int instances) {
    var holder = new EdgeVerticle.PortHolder();
    return vertx.deployVerticle(() -> new EdgeVerticle(config, holder), new DeploymentOptions().setInstances(instances)).await();
  }

  public static String token(Vertx vertx, BridgeConfig config, String user, List<String> guilds, long ttlSeconds) {
    return new Authenticator(vertx, config.auth()).mint(user, guilds, ttlSeconds);
  }

  public static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }
}
