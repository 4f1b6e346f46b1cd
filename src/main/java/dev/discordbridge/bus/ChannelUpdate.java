package dev.discordbridge.bus;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.discordbridge.access.GuildBook;
import dev.discordbridge.access.GuildChannel;
import dev.discordbridge.access.Overwrite;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Published on {@code bridge.discord.channels} (direct Discord mode): a change to a guild's
 * channels (threads included, with their permission overwrites), roles or owner, as the gateway
 * told the shard's holder, or a node's request for what the others know. Every node keeps a
 * channel index and the guilds' permission state from these, so the link holder, whichever node
 * it is, can refuse a command aimed at a channel outside its guild or without the permission, and
 * every stream can leave out the channels its caller may not view.
 *
 * @param kind     what happened (see {@link Kind})
 * @param guildId  the guild, or null for {@link Kind#SYNC}
 * @param channels the channels this update adds or replaces (empty when none)
 * @param removed  the channel ids (or, for {@link Kind#ROLE_REMOVE}, role ids) this update removes (empty when none)
 * @param nodeId   who published it (for logs), or null
 * @param ownerId  the guild's owner ({@link Kind#GUILD}, {@link Kind#SNAPSHOT}, {@link Kind#GUILD_META}), or null
 * @param roles    role id → permission bits this update adds or replaces (all of them for GUILD, SNAPSHOT
 *                 and GUILD_META; some for {@link Kind#ROLES}); empty when none
 */
public record ChannelUpdate(Kind kind, String guildId, List<Channel> channels, List<String> removed, String nodeId,
                            String ownerId, Map<String, Long> roles) {

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
    SYNC,
    /** GUILD_ROLE_CREATE/UPDATE: add or update these roles. */
    ROLES,
    /** GUILD_ROLE_DELETE: forget these roles ({@code removed} holds role ids). */
    ROLE_REMOVE,
    /** GUILD_UPDATE: the guild's owner and every role (replacing what was known). */
    GUILD_META
  }

  /**
   * A channel or thread: its id, its parent (a thread's channel, a channel's category), Discord's
   * type and its permission overwrites (a thread has none of its own).
   */
  public record Channel(String id, String parentId, int type, List<Overwrite> overwrites) {
    @JsonCreator
    public Channel {
      Objects.requireNonNull(id, "id");
      overwrites = overwrites == null ? List.of() : List.copyOf(overwrites);
    }

    public Channel(String id, String parentId, int type) {
      this(id, parentId, type, null);
    }

    GuildChannel toGuildChannel() {
      return new GuildChannel(id, parentId, type, overwrites);
    }
  }

  @JsonCreator
  public ChannelUpdate {
    Objects.requireNonNull(kind, "kind");
    if (kind != Kind.SYNC && guildId == null) {
      throw new IllegalArgumentException("a " + kind + " update names its guild");
    }
    channels = channels == null ? List.of() : List.copyOf(channels);
    removed = removed == null ? List.of() : List.copyOf(removed);
    roles = roles == null ? Map.of() : Map.copyOf(roles);
  }

  /** An update of channels alone. */
  public ChannelUpdate(Kind kind, String guildId, List<Channel> channels, List<String> removed, String nodeId) {
    this(kind, guildId, channels, removed, nodeId, null, null);
  }

  /** Applies this update to a guild book; whether it changed anything (a SYNC never does). */
  public boolean applyTo(GuildBook book) {
    List<GuildChannel> list = channels.stream().map(Channel::toGuildChannel).toList();
    return switch (kind) {
      case GUILD -> book.replace(guildId, ownerId, roles, list);
      case SNAPSHOT -> book.snapshot(guildId, ownerId, roles, list);
      case UPSERT -> book.upsertChannels(guildId, list);
      case REMOVE -> book.removeChannels(guildId, removed);
      case GUILD_GONE -> book.forget(guildId);
      case ROLES -> book.upsertRoles(guildId, roles);
      case ROLE_REMOVE -> book.removeRoles(guildId, removed);
      case GUILD_META -> book.meta(guildId, ownerId, roles);
      case SYNC -> false;
    };
  }

  /** A guild as a book knows it, for a node that asked ({@link Kind#SYNC}). */
  public static ChannelUpdate snapshotOf(dev.discordbridge.access.Guild g) {
    List<Channel> list = g.channels().values().stream()
        .map(c -> new Channel(c.id(), c.parentId(), c.type(), c.overwrites())).toList();
    return new ChannelUpdate(Kind.SNAPSHOT, g.id(), list, null, null, g.ownerId(), g.roles());
  }
}
