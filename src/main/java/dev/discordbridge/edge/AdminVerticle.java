package dev.discordbridge.edge;

import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/**
 * The admin port (ADMIN_PORT): {@code /metrics}, {@code /health/*} and {@code /internal/events} on
 * a second, plain-HTTP server that a network policy can keep away from the public, so probes and
 * scrapes never compete with browsers for the public port's connection cap. One instance.
 */
public final class AdminVerticle extends VerticleBase {
  private final BridgeConfig config;
  private volatile int port;

  public AdminVerticle(BridgeConfig config) {
    this.config = config;
  }

  /** The port bound (ADMIN_PORT=0 picks a free one). */
  public int port() {
    return port;
  }

  @Override
  public Future<?> start() {
    var ops = new OpsRoutes(vertx, config);
    Router router = Router.router(vertx);
    router.route().handler(EdgeVerticle::traceId);
    ops.mount(router, new IngestRoutes(vertx, config.http().bodyLimitBytes(), config.link().linkToken(),
        new FailureThrottle(), IngestRoutes.refusalLog()));
    router.errorHandler(404, ctx -> HttpErrors.write(ctx, 404, "NOT_FOUND", "no such resource on the admin port"));
    router.errorHandler(405, ctx -> HttpErrors.write(ctx, 405, "METHOD_NOT_ALLOWED", "method not allowed here"));
    var options = new HttpServerOptions().setCompressionSupported(true)
        .setIdleTimeout((int) config.http().idleTimeoutMs()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    return ops.start(status -> {})
        .compose(v -> {
          ops.queryLinkStatus(status -> {});
          return vertx.createHttpServer(options).requestHandler(router)
              .listen(config.listeners().adminPort(), config.http().host());
        })
        .onSuccess((HttpServer s) -> port = s.actualPort());
  }
}
