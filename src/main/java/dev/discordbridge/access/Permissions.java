package dev.discordbridge.access;

import java.util.Collection;

/**
 * Discord's documented algorithm (topics/permissions, "Permission Hierarchy" and "Permission
 * Overwrites"), on plain values:
 * <ol>
 *   <li>base: the {@code @everyone} role's bits OR every role of the member's; the guild's owner,
 *       or a member holding {@code ADMINISTRATOR}, has every bit;</li>
 *   <li>in a channel: the {@code @everyone} overwrite (deny, then allow); the member's role
 *       overwrites together (deny of all, then allow of all); the member's own overwrite (deny,
 *       then allow);</li>
 *   <li>without {@code VIEW_CHANNEL} no other bit counts (the result is 0);</li>
 *   <li>a thread takes its parent's overwrites; a private thread is seen only by those who may
 *       manage threads there (the bridge does not track thread membership, so it errs on
 *       the side of showing less).</li>
 * </ol>
 * A member is given as its user id and role ids; a user who is not a member has no permissions.
 */
public final class Permissions {
  private Permissions() {}

  /** The guild-level permissions of a member. */
  public static long base(Guild guild, String userId, Collection<String> roleIds) {
    if (userId != null && userId.equals(guild.ownerId())) {
      return Permission.ALL;
    }
    long bits = guild.everyone();
    for (String r : roleIds) {
      bits |= guild.roles().getOrDefault(r, 0L);
    }
    return Permission.ADMINISTRATOR.in(bits) ? Permission.ALL : bits;
  }

  /** A member's permissions in a channel (thread included); 0 for a channel the guild does not have. */
  public static long inChannel(Guild guild, String userId, Collection<String> roleIds, String channelId) {
    GuildChannel channel = guild.channel(channelId);
    if (channel == null) {
      return 0L;
    }
    GuildChannel own = channel;
    if (channel.thread()) {
      channel = guild.channel(channel.parentId());
      if (channel == null) {
        return 0L;
      }
    }
    long base = base(guild, userId, roleIds);
    if (base == Permission.ALL) {
      return Permission.ALL;
    }
    long bits = overwrites(base, channel, guild, userId, roleIds);
    if (!Permission.VIEW_CHANNEL.in(bits)) {
      return 0L;
    }
    if (own.type() == GuildChannel.PRIVATE_THREAD && !Permission.MANAGE_THREADS.in(bits)) {
      return 0L;
    }
    return bits;
  }

  /** Whether the member may view the channel: the test the stream applies to every event. */
  public static boolean canView(Guild guild, String userId, Collection<String> roleIds, String channelId) {
    return Permission.VIEW_CHANNEL.in(inChannel(guild, userId, roleIds, channelId));
  }

  /** A role overwrite counts for a role the member has and the guild still has (a deleted role's are gone with it). */
  static long overwrites(long base, GuildChannel channel, Guild guild, String userId, Collection<String> roleIds) {
    String everyoneId = guild.id();
    long bits = base;
    long roleAllow = 0;
    long roleDeny = 0;
    Overwrite member = null;
    Overwrite everyone = null;
    for (Overwrite o : channel.overwrites()) {
      if (o.kind() == Overwrite.Kind.ROLE) {
        if (o.id().equals(everyoneId)) {
          everyone = o;
        } else if (roleIds.contains(o.id()) && guild.roles().containsKey(o.id())) {
          roleAllow |= o.allow();
          roleDeny |= o.deny();
        }
      } else if (o.id().equals(userId)) {
        member = o;
      }
    }
    if (everyone != null) {
      bits = (bits & ~everyone.deny()) | everyone.allow();
    }
    bits = (bits & ~roleDeny) | roleAllow;
    if (member != null) {
      bits = (bits & ~member.deny()) | member.allow();
    }
    return bits;
  }
}
