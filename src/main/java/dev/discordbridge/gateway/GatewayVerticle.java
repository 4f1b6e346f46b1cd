package dev.discordbridge.gateway;

import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** STUB: to be implemented. */
public final class GatewayVerticle extends VerticleBase {
  private final BridgeConfig config;

  public GatewayVerticle(BridgeConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    return Future.succeededFuture();
  }
}
