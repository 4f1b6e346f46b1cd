package dev.discordbridge.bus;

import java.util.Objects;

/**
 * {@link Addresses#LEGACY_BROADCAST} (publish, local only, legacy bridge → edges): one legacy
 * frame, serialized once, for every {@code /api/ws} socket subscribed to the guild that may see
 * its channel ({@code channelId}: the voice channel; null when the frame names none).
 */
public record LegacyBroadcast(String guildId, String channelId, String frame) {
  @com.fasterxml.jackson.annotation.JsonCreator
  public LegacyBroadcast {
    Objects.requireNonNull(guildId, "guildId");
    Objects.requireNonNull(frame, "frame");
  }

  public LegacyBroadcast(String guildId, String frame) {
    this(guildId, null, frame);
  }
}
