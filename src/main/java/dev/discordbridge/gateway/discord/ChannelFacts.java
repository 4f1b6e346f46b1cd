package dev.discordbridge.gateway.discord;

import dev.discordbridge.bus.ChannelUpdate;
import dev.discordbridge.bus.ChannelUpdate.Channel;
import dev.discordbridge.bus.ChannelUpdate.Kind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The channel facts in a Discord dispatch, as a {@link ChannelUpdate} for the channel index
 * ({@link ChannelIndex}): GUILD_CREATE (channels and threads), CHANNEL_CREATE/UPDATE/DELETE,
 * THREAD_CREATE/UPDATE/DELETE, THREAD_LIST_SYNC and GUILD_DELETE. DM channels (no guild) and
 * an unavailable guild (an outage, not a departure) change nothing.
 */
final class ChannelFacts {
  private ChannelFacts() {}

  /** The update a dispatch makes, or null when it changes no guild's channels. */
  static ChannelUpdate of(String type, JsonObject d, String nodeId) {
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
        default -> null;
      };
    } catch (ClassCastException | IllegalArgumentException e) {
      return null; // a malformed dispatch changes nothing here (the mapper logs malformed events)
    }
  }

  private static ChannelUpdate guildCreate(JsonObject d, String nodeId) {
    if (!(d.getValue("id") instanceof String g) || Boolean.TRUE.equals(d.getValue("unavailable"))
        || !(d.getValue("channels") instanceof JsonArray)) {
      return null;
    }
    List<Channel> all = channels(d.getValue("channels"));
    all.addAll(channels(d.getValue("threads")));
    return new ChannelUpdate(Kind.GUILD, g, all, null, nodeId);
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
    return new Channel(id, c.getValue("parent_id") instanceof String p ? p : null, type);
  }
}
