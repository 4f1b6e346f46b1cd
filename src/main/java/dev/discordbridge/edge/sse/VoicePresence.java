package dev.discordbridge.edge.sse;

import dev.discordbridge.contract.EventName;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who is in which voice channel, per guild, as the events of the stream say (one per router
 * instance, fed by the same consumer as the fan-out, so a snapshot and the replay window agree on
 * the stream id). {@code voice.joined} adds or moves a member, {@code voice.left} removes them, a
 * RESET clears everything (the state is unknown after lost events).
 */
public final class VoicePresence {
  /** One member of a voice channel; {@code displayName} and {@code avatarUrl} (contract v1.2) null where unknown. */
  public record Member(String userId, String username, long joinedAt, String displayName, String avatarUrl) {
    public Member(String userId, String username, long joinedAt) {
      this(userId, username, joinedAt, null, null);
    }

    JsonObject toJson() {
      JsonObject out = new JsonObject().put("userId", userId).put("username", username).put("joinedAt", Times.format(joinedAt));
      if (displayName != null) {
        out.put("displayName", displayName);
      }
      if (avatarUrl != null) {
        out.put("avatarUrl", avatarUrl);
      }
      return out;
    }
  }

  // guild -> channel -> user -> member (insertion order = join order)
  private final Map<String, Map<String, LinkedHashMap<String, Member>>> channels = new HashMap<>();
  // guild -> user -> channel, to move or remove a member without a scan
  private final Map<String, Map<String, String>> where = new HashMap<>();

  /** Applies a voice event; other events are ignored. */
  public void apply(StreamEvent e) {
    if (e.kind() == StreamEvent.Kind.RESET) {
      clear();
      return;
    }
    if (!EventName.isVoice(e.name()) || e.data() == null) {
      return;
    }
    String userId = e.data().getString("userId");
    if (userId == null) {
      return;
    }
    String channelId = e.data().getString("channelId", e.channelId());
    remove(e.guildId(), userId);
    if (EventName.VOICE_JOINED.wire().equals(e.name())) {
      channels.computeIfAbsent(e.guildId(), g -> new HashMap<>())
          .computeIfAbsent(channelId, c -> new LinkedHashMap<>())
          .put(userId, new Member(userId, e.data().getString("username", ""), e.occurredAt(),
              e.data().getString("displayName"), e.data().getString("avatarUrl")));
      where.computeIfAbsent(e.guildId(), g -> new HashMap<>()).put(userId, channelId);
    }
  }

  public void clear() {
    channels.clear();
    where.clear();
  }

  private void remove(String guildId, String userId) {
    Map<String, String> users = where.get(guildId);
    String previous = users == null ? null : users.remove(userId);
    if (previous == null) {
      return;
    }
    Map<String, LinkedHashMap<String, Member>> byChannel = channels.get(guildId);
    LinkedHashMap<String, Member> members = byChannel.get(previous);
    members.remove(userId);
    if (members.isEmpty()) {
      byChannel.remove(previous);
    }
    if (byChannel.isEmpty()) {
      channels.remove(guildId);
      where.remove(guildId);
    }
  }

  /** {@code {"<channelId>": [{"userId","username","joinedAt"}]}} for one guild. */
  public JsonObject channelsOf(String guildId) {
    JsonObject out = new JsonObject();
    channels.getOrDefault(guildId, Map.of()).forEach((channel, members) -> {
      JsonArray list = new JsonArray();
      members.values().forEach(m -> list.add(m.toJson()));
      out.put(channel, list);
    });
    return out;
  }

  /** Every guild's state (handed to a peer instance that starts late). */
  public JsonObject toJson() {
    JsonObject out = new JsonObject();
    channels.keySet().forEach(g -> out.put(g, channelsOf(g)));
    return out;
  }

  /** Replaces the state with a peer's {@link #toJson()}. */
  public void load(JsonObject state) {
    clear();
    for (String guild : state.fieldNames()) {
      JsonObject byChannel = state.getJsonObject(guild);
      for (String channel : byChannel.fieldNames()) {
        for (Object o : byChannel.getJsonArray(channel)) {
          JsonObject m = (JsonObject) o;
          String user = m.getString("userId");
          channels.computeIfAbsent(guild, g -> new HashMap<>()).computeIfAbsent(channel, c -> new LinkedHashMap<>())
              .put(user, new Member(user, m.getString("username"), Times.parse("joinedAt", m.getString("joinedAt")),
                  m.getString("displayName"), m.getString("avatarUrl")));
          where.computeIfAbsent(guild, g -> new HashMap<>()).put(user, channel);
        }
      }
    }
  }
}
