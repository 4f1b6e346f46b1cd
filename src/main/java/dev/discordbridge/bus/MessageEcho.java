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
 * @param webhookId for a message a webhook created (no nonce then: {@code nonce} is
 *     {@code webhook:<id>}), the webhook; else null
 * @param username a webhook message's author name, else null
 * @param content a webhook message's content, else null
 */
public record MessageEcho(String nonce, String guildId, String channelId, String messageId, String webhookId,
                          String username, String content) {
  public MessageEcho(String nonce, String guildId, String channelId, String messageId) {
    this(nonce, guildId, channelId, messageId, null, null, null);
  }

  public MessageEcho {
    Objects.requireNonNull(nonce, "nonce");
    Objects.requireNonNull(channelId, "channelId");
    Objects.requireNonNull(messageId, "messageId");
  }
}
