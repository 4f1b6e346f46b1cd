package dev.discordbridge.bus;

import java.util.List;
import java.util.Objects;

/**
 * {@link Addresses#LEGACY_INBOUND} request (local only, edge → legacy bridge): one text message a
 * legacy {@code /api/ws} client sent, with the caller the edge authenticated and the number of
 * invalid frames the connection already sent (the edge counts them; the bridge decides when
 * enough is enough). Reply: {@link LegacyAnswer}.
 */
public record LegacyInbound(String traceId, String connectionId, String userId, List<String> guilds,
                            String frame, int errors) {
  public LegacyInbound {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(connectionId, "connectionId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(frame, "frame");
    guilds = List.copyOf(guilds);
    if (errors < 0) {
      throw new IllegalArgumentException("errors < 0");
    }
  }

  public boolean mayRead(String guildId) {
    return guilds.contains(guildId);
  }
}
