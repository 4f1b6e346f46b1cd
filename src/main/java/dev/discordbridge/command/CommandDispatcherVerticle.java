package dev.discordbridge.command;

import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** STUB: to be implemented. */
public final class CommandDispatcherVerticle extends VerticleBase {
  private final BridgeConfig config;

  public CommandDispatcherVerticle(BridgeConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    return Future.succeededFuture();
  }
}
