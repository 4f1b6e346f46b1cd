package dev.discordbridge.bus;

import java.util.Objects;

/**
 * Published on {@code bridge.discord.webhook.posts} by the link holder (direct mode, webhook
 * attribution) just before it executes a webhook for a web user's message: every node that holds
 * a shard then shows the webhook's MESSAGE_CREATE (same channel, username and content) as that
 * user's message instead of a stranger's.
 *
 * @param channelId the channel (or thread) posted in
 * @param username the username the webhook posts under (the sender's display name as sent)
 * @param content the content as sent
 * @param userId the web user's id
 * @param displayName the web user's display name, or null
 * @param avatarUrl the web user's avatar URL, or null
 */
public record WebhookPost(String channelId, String username, String content, String userId, String displayName,
                          String avatarUrl) {
  public WebhookPost {
    Objects.requireNonNull(channelId, "channelId");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(userId, "userId");
  }
}
