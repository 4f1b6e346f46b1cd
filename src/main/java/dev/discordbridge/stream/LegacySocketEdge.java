package dev.discordbridge.stream;

import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.auth.OriginPolicy;
import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * The edge side of the legacy {@code /api/ws} socket (CONTRACT section 5): 410 when the bridge
 * is off; otherwise origin check, token, upgrade with deprecation headers, frames relayed to the
 * legacy bridge verticle, per-guild broadcasts fanned out to the sockets of this instance.
 *
 * STUB: the web/legacy engineer implements it; the SSE router mounts it.
 */
public final class LegacySocketEdge {
  public LegacySocketEdge(Vertx vertx, BridgeConfig config, Authenticator authenticator, OriginPolicy origins) {
  }

  /** Adds {@code GET /api/ws} to {@code router} and starts consuming broadcasts (when enabled). */
  public io.vertx.core.Future<Void> mount(Router router) {
    return io.vertx.core.Future.succeededFuture();
  }
}
