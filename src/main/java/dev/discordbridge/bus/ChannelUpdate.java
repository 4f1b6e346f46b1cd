package dev.discordbridge.bus;

import java.util.List;
import java.util.Objects;

/**
 * Published on {@code bridge.discord.channels} (direct Discord mode): a change to which channels
 * (threads included) a guild has, as the gateway told the shard's holder, or a node's request
 * for what the others know. Every node keeps a channel index from these, so the link holder,
 * whichever node it is, can refuse a command aimed at a channel outside its guild.
 *
 * @param kind     what happened (see {@link Kind})
 * @param guildId  the guild, or null for {@link Kind#SYNC}
 * @param channels the channels this update adds or replaces (empty when none)
 * @param removed  the channel ids this update removes (empty when none)
 * @param nodeId   who published it (for logs), or null
 */
public record ChannelUpdate(Kind kind, String guildId, List<Channel> channels, List<String> removed, String nodeId) {

  public enum Kind {
    /** GUILD_CREATE: the guild's whole list; replaces what was known. */
    GUILD,
    /** CHANNEL_CREATE/UPDATE, THREAD_CREATE/UPDATE, THREAD_LIST_SYNC: add or update these. */
    UPSERT,
    /** CHANNEL_DELETE, THREAD_DELETE: forget these. */
    REMOVE,
    /** GUILD_DELETE without {@code unavailable}: the bot left (or was removed from) the guild. */
    GUILD_GONE,
    /** A whole guild as the link holder knows it, for a node that asked ({@link #SYNC}). */
    SNAPSHOT,
    /** A node that starts asks the link holder for every guild it knows. */
    SYNC
  }

  /** A channel or thread: its id, its parent (a thread's channel, a channel's category) and Discord's type. */
  public record Channel(String id, String parentId, int type) {
    public Channel {
      Objects.requireNonNull(id, "id");
    }
  }

  public ChannelUpdate {
    Objects.requireNonNull(kind, "kind");
    if (kind != Kind.SYNC && guildId == null) {
      throw new IllegalArgumentException("a " + kind + " update names its guild");
    }
    channels = channels == null ? List.of() : List.copyOf(channels);
    removed = removed == null ? List.of() : List.copyOf(removed);
  }
}
