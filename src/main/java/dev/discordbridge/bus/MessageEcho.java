package dev.discordbridge.bus;

import java.util.Objects;

/**
 * Published on {@code bridge.discord.echoes} by the node holding a Discord shard (direct mode) for
 * every MESSAGE_CREATE that carries a {@code nonce}: the gateway's own proof that a message was
 * created. Every node keeps what it hears, so whichever node holds the link (now or after a
 * failover) answers a retry of that command as delivered instead of posting it again.
 *
 * @param nonce the create request's nonce (the bridge derives it from the command id)
 * @param guildId the message's guild, or null (a DM)
 * @param channelId the channel (or thread) it was created in
 * @param messageId the created message
 */
public record MessageEcho(String nonce, String guildId, String channelId, String messageId) {
  public MessageEcho {
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(channelId, "channelId");
    Objects.requireNonNull(messageId, "messageId");
  }
}
