package dev.discordbridge.bus;

import java.util.List;
import java.util.Objects;

/**
 * {@link Addresses#LEGACY_CONNECTIONS} (publish, local only, edges → legacy bridge): a legacy
 * socket opened, subscribed to a guild, or closed, for the bridge's gauges and deprecation log.
 * {@code guildId} only on SUBSCRIBE; {@code origin} and {@code userAgent} only on OPEN (may be
 * null); {@code guilds}: the socket's guilds on CLOSE, else empty.
 */
public record LegacyConnection(Event event, String connectionId, String userId, String nodeId, String guildId,
                               List<String> guilds, String origin, String userAgent) {
  public enum Event { OPEN, SUBSCRIBE, CLOSE }

  public LegacyConnection {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(connectionId, "connectionId");
    guilds = guilds == null ? List.of() : List.copyOf(guilds);
    if (event == Event.SUBSCRIBE && guildId == null) {
      throw new IllegalArgumentException("a subscription needs a guildId");
    }
  }
}
