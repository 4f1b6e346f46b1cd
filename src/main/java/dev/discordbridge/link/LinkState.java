package dev.discordbridge.link;

import java.util.Locale;

/** Where the upstream link is; the wire name is what {@code bridge.link.status} carries. */
public enum LinkState {
  CONNECTING, HANDSHAKING, RESUMING, CONNECTED, BACKOFF, STANDBY, STOPPED,
  /** Stopped for a reason retrying cannot fix (Discord refused the token or the intents): the status says which. */
  FAILED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
