package dev.discordbridge.access;

import java.util.Map;
import java.util.Objects;

/**
 * What permissions need of one guild: its owner, its roles with their permission sets (the
 * {@code @everyone} role has the guild's id) and its channels. Immutable: a change makes a new
 * one (the {@code with*} methods), so a reader on another thread never sees half a change.
 */
public record Guild(String id, String ownerId, Map<String, Long> roles, Map<String, GuildChannel> channels) {
  public Guild {
    Objects.requireNonNull(id, "id");
    roles = roles == null ? Map.of() : Map.copyOf(roles);
    channels = channels == null ? Map.of() : Map.copyOf(channels);
  }

  public long everyone() {
    return roles.getOrDefault(id, 0L);
  }

  public GuildChannel channel(String channelId) {
    return channelId == null ? null : channels.get(channelId);
  }
}
