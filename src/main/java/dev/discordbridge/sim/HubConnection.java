package dev.discordbridge.sim;

import io.vertx.core.http.ServerWebSocket;

/** A bridge's socket to the simulated hub: the session offered in its hello, and the one it took. Hub-confined. */
final class HubConnection {
  final ServerWebSocket socket;
  final HubSessionState offered;
  HubSessionState session;
  /** A resume is being looked up in the shared log: the offered session must not be taken meanwhile. */
  boolean resuming;

  HubConnection(ServerWebSocket socket, HubSessionState offered) {
    this.socket = socket;
    this.offered = offered;
  }
}
