package dev.discordbridge.bus;

import java.util.Objects;

/**
 * {@link Addresses#LEGACY_BROADCAST} (publish, local only, legacy bridge → edges): one legacy
 * frame, serialized once, for every {@code /api/ws} socket subscribed to the guild.
 */
public record LegacyBroadcast(String guildId, String frame) {
  public LegacyBroadcast {
    Objects.requireNonNull(guildId, "guildId");
    Objects.requireNonNull(frame, "frame");
  }
}
