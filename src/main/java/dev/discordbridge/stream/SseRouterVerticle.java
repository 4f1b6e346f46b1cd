package dev.discordbridge.stream;

import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;

/** STUB: the public HTTP port: /api/stream (SSE fan-out) plus thin relays onto the bus. */
public final class SseRouterVerticle extends VerticleBase {
  /** Receives the bound port (all instances share one server port). */
  public static final class PortHolder {
    private volatile int port;
    public int port() { return port; }
    void set(int p) { port = p; }
  }

  private final BridgeConfig config;
  private final PortHolder portHolder;

  public SseRouterVerticle(BridgeConfig config, PortHolder portHolder) {
    this.config = config;
    this.portHolder = portHolder;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    return vertx.createHttpServer().requestHandler(router).listen(config.http().port(), config.http().host())
        .onSuccess(s -> portHolder.set(s.actualPort()));
  }
}
