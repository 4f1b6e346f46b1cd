package dev.discordbridge.access;

import java.util.List;
import java.util.Objects;

/**
 * A channel as permissions see it: its parent (a thread's channel, a channel's category, or
 * null), Discord's channel type and its overwrites. A thread has no overwrites of its own: it
 * takes its parent's. A category's overwrites do not flow into its channels at runtime (Discord
 * copies them when a channel is synced), so only a thread looks at its parent.
 */
public record GuildChannel(String id, String parentId, int type, List<Overwrite> overwrites) {
  public static final int ANNOUNCEMENT_THREAD = 10;
  public static final int PUBLIC_THREAD = 11;
  public static final int PRIVATE_THREAD = 12;
  public static final int GUILD_VOICE = 2;
  public static final int GUILD_STAGE_VOICE = 13;

  public GuildChannel {
    Objects.requireNonNull(id, "id");
    overwrites = overwrites == null ? List.of() : List.copyOf(overwrites);
  }

  public boolean thread() {
    return type == ANNOUNCEMENT_THREAD || type == PUBLIC_THREAD || type == PRIVATE_THREAD;
  }
}
