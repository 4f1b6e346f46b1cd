package dev.discordbridge.access;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every guild's permission state as the gateway told it (owner, roles, channels with their
 * overwrites and parents), one immutable {@link Guild} per guild, replaced on each change so a
 * reader holds a consistent picture. A guild is <em>complete</em> once its whole state arrived
 * (GUILD_CREATE, or a peer's snapshot). Each change reports whether it changed anything, so
 * that streams recompute only when needed; {@link #version} grows on every change.
 *
 * <p>Bounded: at most {@link #MAX_CHANNELS} channels (threads included) per guild and
 * {@link #MAX_ROLES} roles; past them, new entries are dropped (and counted in {@link #dropped}).
 * Discord's own limits are 500 channels and 250 roles per guild, plus active threads.
 * Not thread-safe: one owner, one context.
 */
public final class GuildBook {
  public static final int MAX_CHANNELS = 10_000;
  public static final int MAX_ROLES = 1_000;

  private final Map<String, Guild> guilds = new HashMap<>();
  private final Set<String> complete = new HashSet<>();
  private long version;
  private long dropped;

  public Guild guild(String guildId) {
    return guilds.get(guildId);
  }

  public boolean complete(String guildId) {
    return complete.contains(guildId);
  }

  public Set<String> guilds() {
    return Set.copyOf(complete);
  }

  public long version() {
    return version;
  }

  public long dropped() {
    return dropped;
  }

  /** GUILD_CREATE: the guild's whole state. */
  public boolean replace(String guildId, String ownerId, Map<String, Long> roles, Collection<GuildChannel> channels) {
    complete.add(guildId);
    return put(new Guild(guildId, ownerId, bounded(roles), index(Map.of(), channels)));
  }

  /** A peer's snapshot: news only to a book that has not seen the guild whole (what it learnt meanwhile stays). */
  public boolean snapshot(String guildId, String ownerId, Map<String, Long> roles, Collection<GuildChannel> channels) {
    if (complete.contains(guildId)) {
      return false;
    }
    complete.add(guildId);
    Guild known = guilds.get(guildId);
    Map<String, Long> mergedRoles = new HashMap<>(roles);
    Map<String, GuildChannel> mergedChannels = new HashMap<>(index(Map.of(), channels));
    if (known != null) {
      mergedRoles.putAll(known.roles());
      mergedChannels.putAll(known.channels());
    }
    return put(new Guild(guildId, known != null && known.ownerId() != null ? known.ownerId() : ownerId,
        bounded(mergedRoles), mergedChannels));
  }

  /** CHANNEL_CREATE/UPDATE, THREAD_*: add or replace these channels. */
  public boolean upsertChannels(String guildId, Collection<GuildChannel> channels) {
    Guild g = orEmpty(guildId);
    return put(new Guild(guildId, g.ownerId(), g.roles(), index(g.channels(), channels)));
  }

  /** CHANNEL_DELETE, THREAD_DELETE: forget these channels and the threads under them. */
  public boolean removeChannels(String guildId, Collection<String> ids) {
    Guild g = guilds.get(guildId);
    if (g == null) {
      return false;
    }
    Map<String, GuildChannel> left = new HashMap<>(g.channels());
    boolean changed = false;
    for (String id : ids) {
      changed |= left.remove(id) != null;
      changed |= left.values().removeIf(c -> c.thread() && id.equals(c.parentId()));
    }
    return changed && put(new Guild(guildId, g.ownerId(), g.roles(), left));
  }

  /** GUILD_ROLE_CREATE/UPDATE. */
  public boolean upsertRoles(String guildId, Map<String, Long> roles) {
    Guild g = orEmpty(guildId);
    Map<String, Long> all = new HashMap<>(g.roles());
    all.putAll(roles);
    return put(new Guild(guildId, g.ownerId(), bounded(all), g.channels()));
  }

  /** GUILD_ROLE_DELETE. */
  public boolean removeRoles(String guildId, Collection<String> roleIds) {
    Guild g = guilds.get(guildId);
    if (g == null) {
      return false;
    }
    Map<String, Long> left = new HashMap<>(g.roles());
    return left.keySet().removeAll(roleIds) && put(new Guild(guildId, g.ownerId(), left, g.channels()));
  }

  /** GUILD_UPDATE: the owner and every role. */
  public boolean meta(String guildId, String ownerId, Map<String, Long> roles) {
    Guild g = orEmpty(guildId);
    return put(new Guild(guildId, ownerId != null ? ownerId : g.ownerId(), bounded(roles), g.channels()));
  }

  /** GUILD_DELETE (the bot left): nothing of the guild is known any more. */
  public boolean forget(String guildId) {
    complete.remove(guildId);
    if (guilds.remove(guildId) == null) {
      return false;
    }
    version++;
    return true;
  }

  private Guild orEmpty(String guildId) {
    Guild g = guilds.get(guildId);
    return g != null ? g : new Guild(guildId, null, Map.of(), Map.of());
  }

  private boolean put(Guild next) {
    Guild before = guilds.put(next.id(), next);
    if (next.equals(before)) {
      return false;
    }
    version++;
    return true;
  }

  private Map<String, GuildChannel> index(Map<String, GuildChannel> known, Collection<GuildChannel> added) {
    Map<String, GuildChannel> out = new HashMap<>(known);
    for (GuildChannel c : added) {
      if (out.size() >= MAX_CHANNELS && !out.containsKey(c.id())) {
        dropped++;
        continue;
      }
      out.put(c.id(), c);
    }
    return out;
  }

  private Map<String, Long> bounded(Map<String, Long> roles) {
    if (roles.size() <= MAX_ROLES) {
      return roles;
    }
    List<String> ids = new ArrayList<>(roles.keySet());
    Map<String, Long> out = new HashMap<>();
    for (String id : ids.subList(0, MAX_ROLES)) {
      out.put(id, roles.get(id));
    }
    dropped += roles.size() - MAX_ROLES;
    return out;
  }
}
