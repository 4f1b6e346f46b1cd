package dev.discordbridge.discord;

import dev.discordbridge.bus.ChannelUpdate.Channel;
import dev.discordbridge.bus.ChannelUpdate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which guild each channel (thread included) belongs to, as the gateway told: the whole list of
 * a guild from GUILD_CREATE, then CHANNEL_* and THREAD_* changes, until GUILD_DELETE. Each
 * channel keeps its guild, parent and Discord type, so that permissions can grow from here.
 * A guild is <em>complete</em> once its whole list arrived: only then is a channel missing from
 * it known not to be one of its channels. Not thread-safe: one owner, one context.
 */
final class ChannelIndex {
  /** What the index says of a (guild, channel) pair. */
  enum Verdict { IN_GUILD, NOT_IN_GUILD, GUILD_UNKNOWN }

  /** A channel's place: its guild, its parent (a thread's channel, a channel's category, or null) and type. */
  record Entry(String guildId, String parentId, int type) {
    boolean thread() {
      return isThread(type);
    }
  }

  private final Map<String, Entry> channels = new HashMap<>();
  private final Map<String, Set<String>> byGuild = new HashMap<>();
  private final Set<String> complete = new HashSet<>();

  /** Discord's thread types: announcement (10), public (11) and private (12) threads. */
  static boolean isThread(int type) {
    return type == 10 || type == 11 || type == 12;
  }

  /** A thread's parent channel, or null when {@code channelId} is not a known thread. */
  String threadParent(String channelId) {
    Entry e = channels.get(channelId);
    return e != null && e.thread() ? e.parentId() : null;
  }

  void apply(ChannelUpdate u) {
    switch (u.kind()) {
      case GUILD -> {
        forgetGuild(u.guildId());
        put(u.guildId(), u.channels());
        complete.add(u.guildId());
      }
      case SNAPSHOT -> {
        // Only news to a node that has not seen the guild whole: what it learnt meanwhile stays.
        if (complete.add(u.guildId())) {
          put(u.guildId(), u.channels());
        }
      }
      case UPSERT -> put(u.guildId(), u.channels());
      case REMOVE -> u.removed().forEach(this::remove);
      case GUILD_GONE -> {
        forgetGuild(u.guildId());
        complete.remove(u.guildId());
      }
      case SYNC, ROLES, ROLE_REMOVE, GUILD_META -> { }
    }
  }

  Verdict check(String guildId, String channelId) {
    Entry e = channels.get(channelId);
    if (e != null) {
      return e.guildId().equals(guildId) ? Verdict.IN_GUILD : Verdict.NOT_IN_GUILD;
    }
    return complete.contains(guildId) ? Verdict.NOT_IN_GUILD : Verdict.GUILD_UNKNOWN;
  }

  Entry channel(String channelId) {
    return channels.get(channelId);
  }

  boolean complete(String guildId) {
    return complete.contains(guildId);
  }

  /** The guilds known whole. */
  Set<String> guilds() {
    return Set.copyOf(complete);
  }

  /** A guild's channels, for a node that asks ({@link ChannelUpdate.Kind#SNAPSHOT}). */
  List<Channel> snapshot(String guildId) {
    List<Channel> out = new ArrayList<>();
    for (String id : byGuild.getOrDefault(guildId, Set.of())) {
      Entry e = channels.get(id);
      out.add(new Channel(id, e.parentId(), e.type()));
    }
    return out;
  }

  int size() {
    return channels.size();
  }

  private void put(String guildId, List<Channel> list) {
    for (Channel c : list) {
      Entry before = channels.put(c.id(), new Entry(guildId, c.parentId(), c.type()));
      if (before != null && !before.guildId().equals(guildId)) {
        byGuild.getOrDefault(before.guildId(), new HashSet<>()).remove(c.id());
      }
      byGuild.computeIfAbsent(guildId, g -> new LinkedHashSet<>()).add(c.id());
    }
  }

  /** A channel goes, and with it its threads (Discord does not always send THREAD_DELETE for them). */
  private void remove(String channelId) {
    Entry e = channels.remove(channelId);
    if (e == null) {
      return;
    }
    Set<String> ofGuild = byGuild.getOrDefault(e.guildId(), new HashSet<>());
    ofGuild.remove(channelId);
    for (String id : List.copyOf(ofGuild)) {
      Entry child = channels.get(id);
      if (child != null && child.thread() && channelId.equals(child.parentId())) {
        channels.remove(id);
        ofGuild.remove(id);
      }
    }
  }

  private void forgetGuild(String guildId) {
    Set<String> ids = byGuild.remove(guildId);
    if (ids != null) {
      ids.forEach(channels::remove);
    }
  }
}
