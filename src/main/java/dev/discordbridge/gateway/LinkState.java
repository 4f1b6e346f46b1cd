package dev.discordbridge.gateway;

import java.util.Locale;

/** Where the upstream link is; the wire name is what {@code bridge.link.status} carries. */
public enum LinkState {
  CONNECTING, HANDSHAKING, RESUMING, CONNECTED, BACKOFF, STANDBY, STOPPED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
