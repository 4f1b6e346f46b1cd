package dev.discordbridge.discord;

import dev.discordbridge.access.Overwrite;
import dev.discordbridge.access.Permission;
import dev.discordbridge.bus.ChannelUpdate.Channel;
import dev.discordbridge.bus.ChannelUpdate.Kind;
import dev.discordbridge.bus.ChannelUpdate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The channel and permission facts in a Discord dispatch, as a {@link ChannelUpdate} for the
 * channel index ({@link ChannelIndex}) and the guilds' permission state ({@code access.GuildBook}):
 * GUILD_CREATE (owner, roles, channels with their overwrites, threads), GUILD_UPDATE (owner,
 * roles), GUILD_ROLE_CREATE/UPDATE/DELETE, CHANNEL_CREATE/UPDATE/DELETE, THREAD_CREATE/UPDATE/DELETE,
 * THREAD_LIST_SYNC and GUILD_DELETE. DM channels (no guild) and an unavailable guild (an outage,
 * not a departure) change nothing.
 */
public final class ChannelFacts {
  private ChannelFacts() {}

  /** The update a dispatch makes, or null when it changes no guild's channels. */
  public static ChannelUpdate of(String type, JsonObject d, String nodeId) {
    if (type == null || d == null) {
      return null;
    }
    try {
      return switch (type) {
        case "GUILD_CREATE" -> guildCreate(d, nodeId);
        case "GUILD_DELETE" -> d.getValue("id") instanceof String g && !Boolean.TRUE.equals(d.getValue("unavailable"))
            ? new ChannelUpdate(Kind.GUILD_GONE, g, null, null, nodeId) : null;
        case "CHANNEL_CREATE", "CHANNEL_UPDATE", "THREAD_CREATE", "THREAD_UPDATE" -> {
          Channel c = channel(d);
          yield c == null || !(d.getValue("guild_id") instanceof String g) ? null
              : new ChannelUpdate(Kind.UPSERT, g, List.of(c), null, nodeId);
        }
        case "CHANNEL_DELETE", "THREAD_DELETE" -> d.getValue("id") instanceof String id
            && d.getValue("guild_id") instanceof String g ? new ChannelUpdate(Kind.REMOVE, g, null, List.of(id), nodeId) : null;
        case "THREAD_LIST_SYNC" -> d.getValue("guild_id") instanceof String g
            ? new ChannelUpdate(Kind.UPSERT, g, channels(d.getValue("threads")), null, nodeId) : null;
        case "GUILD_UPDATE" -> d.getValue("id") instanceof String g && d.getValue("roles") instanceof JsonArray
            ? new ChannelUpdate(Kind.GUILD_META, g, null, null, nodeId, owner(d), roles(d.getValue("roles"))) : null;
        case "GUILD_ROLE_CREATE", "GUILD_ROLE_UPDATE" -> d.getValue("guild_id") instanceof String g
            && d.getValue("role") instanceof JsonObject role
            ? new ChannelUpdate(Kind.ROLES, g, null, null, nodeId, null, roles(new JsonArray().add(role))) : null;
        case "GUILD_ROLE_DELETE" -> d.getValue("guild_id") instanceof String g && d.getValue("role_id") instanceof String r
            ? new ChannelUpdate(Kind.ROLE_REMOVE, g, null, List.of(r), nodeId) : null;
        default -> null;
      };
    } catch (ClassCastException | IllegalArgumentException e) {
      return null; // a malformed dispatch changes nothing here (the mapper logs malformed events)
    }
  }

  /**
   * A member's new roles from GUILD_MEMBER_UPDATE, or "no longer a member" from GUILD_MEMBER_REMOVE
   * (both need the Server Members intent); null for any other dispatch.
   */
  public static dev.discordbridge.bus.MemberRoles member(String type, JsonObject d) {
    if (d == null || !(d.getValue("guild_id") instanceof String g) || !(d.getValue("user") instanceof JsonObject u)
        || !(u.getValue("id") instanceof String user)) {
      return null;
    }
    if ("GUILD_MEMBER_REMOVE".equals(type)) {
      return dev.discordbridge.bus.MemberRoles.of(g, user, null);
    }
    if ("GUILD_MEMBER_UPDATE".equals(type) && d.getValue("roles") instanceof JsonArray roles) {
      return dev.discordbridge.bus.MemberRoles.of(g, user,
          roles.stream().filter(String.class::isInstance).map(String.class::cast).toList());
    }
    return null;
  }

  private static ChannelUpdate guildCreate(JsonObject d, String nodeId) {
    if (!(d.getValue("id") instanceof String g) || Boolean.TRUE.equals(d.getValue("unavailable"))
        || !(d.getValue("channels") instanceof JsonArray)) {
      return null;
    }
    List<Channel> all = channels(d.getValue("channels"));
    all.addAll(channels(d.getValue("threads")));
    return new ChannelUpdate(Kind.GUILD, g, all, null, nodeId, owner(d), roles(d.getValue("roles")));
  }

  private static String owner(JsonObject d) {
    return d.getValue("owner_id") instanceof String o ? o : null;
  }

  /** Role id → permission bits, from Discord's role objects. */
  private static Map<String, Long> roles(Object array) {
    Map<String, Long> out = new HashMap<>();
    if (array instanceof JsonArray a) {
      for (Object o : a) {
        if (o instanceof JsonObject r && r.getValue("id") instanceof String id) {
          out.put(id, Permission.parse(r.getValue("permissions")));
        }
      }
    }
    return out;
  }

  private static List<Overwrite> overwrites(Object array) {
    List<Overwrite> out = new ArrayList<>();
    if (array instanceof JsonArray a) {
      for (Object o : a) {
        if (o instanceof JsonObject w && w.getValue("id") instanceof String id) {
          // type 0: a role (the guild's id: @everyone), 1: a member; Discord sends it as a number (older payloads: a string)
          Object type = w.getValue("type");
          boolean member = type instanceof Number n ? n.intValue() == 1 : "member".equals(type) || "1".equals(type);
          out.add(new Overwrite(id, member ? Overwrite.Kind.MEMBER : Overwrite.Kind.ROLE,
              Permission.parse(w.getValue("allow")), Permission.parse(w.getValue("deny"))));
        }
      }
    }
    return out;
  }

  private static List<Channel> channels(Object array) {
    List<Channel> out = new ArrayList<>();
    if (array instanceof JsonArray a) {
      for (Object o : a) {
        Channel c = o instanceof JsonObject j ? channel(j) : null;
        if (c != null) {
          out.add(c);
        }
      }
    }
    return out;
  }

  private static Channel channel(JsonObject c) {
    if (!(c.getValue("id") instanceof String id)) {
      return null;
    }
    int type = c.getValue("type") instanceof Number n ? n.intValue() : -1;
    return new Channel(id, c.getValue("parent_id") instanceof String p ? p : null, type,
        overwrites(c.getValue("permission_overwrites")));
  }
}
