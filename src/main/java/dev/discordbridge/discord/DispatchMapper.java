package dev.discordbridge.discord;

import dev.discordbridge.contract.ContractViolation;
import dev.discordbridge.contract.EventName;
import dev.discordbridge.contract.GatewayEvent;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.Times;
import dev.discordbridge.ops.LogThrottle;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Discord dispatches into the contract's events (CONTRACT section 1): MESSAGE_CREATE,
 * MESSAGE_REACTION_ADD, TYPING_START (guild ones; DMs are ignored), VOICE_STATE_UPDATE and
 * GUILD_CREATE's voice snapshot (through {@link VoiceStates}). Every event is validated by the
 * contract's own {@link GatewayEvent#fromJson}. Event ids are {@code dsc.<session>.<seq>} (plus
 * {@code .<n>} when a dispatch yields several), so a replay after a resume gives the same ids.
 * Not thread-safe: one owner, one context.
 */
public final class DispatchMapper {
  private static final Logger log = LoggerFactory.getLogger(DispatchMapper.class);

  private final VoiceStates voice;
  private final RecentContents contents = new RecentContents(RecentContents.DEFAULT_ENTRIES);
  private final WebhookAuthors webhookAuthors = new WebhookAuthors();
  private final LogThrottle dropLog = new LogThrottle(5);

  public DispatchMapper(VoiceStates voice) {
    this.voice = voice;
  }

  public DispatchMapper() {
    this(new VoiceStates());
  }

  public VoiceStates voiceStates() {
    return voice;
  }

  /** The bridge's webhook posts announced before execution: their messages are shown as the web user's. */
  public void expectWebhookPost(dev.discordbridge.bus.WebhookPost post) {
    webhookAuthors.expect(post, System.currentTimeMillis());
  }

  /**
   * The contract events of one dispatch; empty for types the contract does not carry.
   *
   * @param receivedAt epoch millis, the time of events Discord does not date
   */
  public List<GatewayEvent> map(String type, JsonObject d, String sessionId, long seq, long receivedAt) {
    if (type == null || d == null) {
      return List.of();
    }
    List<JsonObject> built;
    try {
      built = build(type, d, receivedAt);
    } catch (ClassCastException e) { // a field of an unexpected JSON type
      drop(type, type, seq, "unexpected field type: " + e.getMessage());
      return List.of();
    }
    List<GatewayEvent> out = new ArrayList<>(built.size());
    String base = "dsc." + idPart(sessionId) + "." + seq;
    for (int i = 0; i < built.size(); i++) {
      JsonObject e = built.get(i).put("id", built.size() == 1 ? base : base + "." + i);
      try {
        out.add(GatewayEvent.fromJson(e, n -> false));
      } catch (ContractViolation v) {
        drop(e.getString("name"), type, seq, v.getMessage());
      }
    }
    return out;
  }

  private List<JsonObject> build(String type, JsonObject d, long receivedAt) {
    return switch (type) {
      case "MESSAGE_CREATE" -> messageCreate(d, receivedAt);
      case "MESSAGE_UPDATE" -> messageUpdate(d, receivedAt);
      case "MESSAGE_DELETE" -> messageDelete(d, receivedAt);
      case "MESSAGE_DELETE_BULK" -> messageDeleteBulk(d, receivedAt);
      case "MESSAGE_REACTION_ADD" -> reaction("reactionAdd", d, receivedAt);
      case "MESSAGE_REACTION_REMOVE" -> reaction("reactionRemove", d, receivedAt);
      case "TYPING_START" -> typingStart(d, receivedAt);
      case "VOICE_STATE_UPDATE" -> voiceStateUpdate(d, receivedAt);
      case "GUILD_CREATE" -> guildCreate(d, receivedAt);
      case "GUILD_DELETE" -> guildDelete(d);
      default -> List.of();
    };
  }

  /**
   * {@code voice.joined} for every member in voice in the guild, as this mapper knows them, with ids
   * {@code <idBase>.<n>}: after a reset cleared what streams know, the presence is told again.
   */
  public List<GatewayEvent> announceVoice(String guildId, String idBase, long at) {
    List<JsonObject> built = voiceEvents(guildId, voice.announce(guildId), at);
    List<GatewayEvent> out = new ArrayList<>(built.size());
    for (int i = 0; i < built.size(); i++) {
      try {
        out.add(GatewayEvent.fromJson(built.get(i).put("id", idBase + "." + i), n -> false));
      } catch (ContractViolation v) {
        drop("voice.joined", "voice announcement", -1, v.getMessage());
      }
    }
    return out;
  }

  /**
   * After a reset: the voice presence of the guilds on the shards {@code held} selects, by shard
   * ({@link #announceVoice}, ids {@code <idBase>.<shard>.<guild>.<n>}); the other guilds are
   * forgotten, since their holders (or a lost session's next GUILD_CREATE) announce them.
   */
  public Map<Integer, List<GatewayEvent>> announceAfterReset(java.util.function.ToIntFunction<String> shardOf,
                                                             java.util.function.IntPredicate held, String idBase, long at) {
    Map<Integer, List<GatewayEvent>> byShard = new java.util.HashMap<>();
    for (String guildId : voice.guildIds()) {
      int shard = shardOf.applyAsInt(guildId);
      if (!held.test(shard)) {
        voice.forgetGuild(guildId);
        continue;
      }
      List<GatewayEvent> events = announceVoice(guildId, idBase + "." + shard + "." + guildId, at);
      if (!events.isEmpty()) {
        byShard.computeIfAbsent(shard, k -> new ArrayList<>()).addAll(events);
      }
    }
    return byShard;
  }

  private void drop(String name, String type, long seq, String why) {
    long suppressed = dropLog.acquire(System.currentTimeMillis());
    if (suppressed >= 0) {
      log.warn("dropped a {} event from Discord {} (seq {}): {}{}", name, type, seq, why,
          suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : "");
    }
  }

  private List<JsonObject> messageCreate(JsonObject d, long receivedAt) {
    String guildId = d.getString("guild_id");
    JsonObject author = d.getJsonObject("author");
    if (guildId == null || author == null) {
      return List.of(); // a DM (or a system message without author): not part of any guild stream
    }
    String content = d.getString("content", "");
    if (content.codePointCount(0, content.length()) > EventName.MAX_CONTENT) {
      content = content.substring(0, content.offsetByCodePoints(0, EventName.MAX_CONTENT)); // Nitro allows 4000
    }
    long at = time(d.getValue("timestamp"), receivedAt);
    contents.put(d.getString("id"), content);
    JsonObject out = d.getValue("webhook_id") instanceof String && author.getValue("username") instanceof String name
        ? webhookAuthors.author(d.getString("id"), d.getString("channel_id"), name, content, System.currentTimeMillis())
        : null;
    if (out == null) {
      out = new JsonObject().put("id", author.getString("id")).put("username", author.getString("username"));
      Face face = Face.of(guildId, author, d.getJsonObject("member"));
      if (face != null) {
        face.putInto(out);
      }
    }
    return List.of(event("messageCreate", guildId, d.getString("channel_id"), at, new JsonObject()
        .put("messageId", d.getString("id"))
        .put("author", out)
        .put("content", content)));
  }

  /**
   * An edit. MESSAGE_UPDATE may be partial: what it omits is kept (the content from the last
   * create or update seen, where remembered). Forwarded only when the content changed or Discord
   * dated an edit; embeds unfurling, pins and the like are not edits.
   */
  private List<JsonObject> messageUpdate(JsonObject d, long receivedAt) {
    String guildId = d.getString("guild_id");
    String id = d.getString("id");
    if (guildId == null || id == null) {
      return List.of();
    }
    String before = contents.get(id);
    String content = d.getValue("content") instanceof String c ? truncate(c) : null;
    Object editedAt = d.getValue("edited_timestamp");
    boolean changed = content != null && !content.equals(before);
    if (!changed && !(editedAt instanceof String)) {
      return List.of();
    }
    if (content != null) {
      contents.put(id, content);
    } else {
      content = before;
    }
    JsonObject data = new JsonObject().put("messageId", id);
    if (content != null) {
      data.put("content", content);
    }
    long at = editedAt instanceof String ? time(editedAt, receivedAt) : receivedAt;
    data.put("editedAt", editedAt instanceof String ? Times.format(at) : null);
    return List.of(event("messageUpdate", guildId, d.getString("channel_id"), at, data));
  }

  private List<JsonObject> messageDelete(JsonObject d, long receivedAt) {
    String guildId = d.getString("guild_id");
    if (guildId == null) {
      return List.of();
    }
    contents.remove(d.getString("id"));
    return List.of(event("messageDelete", guildId, d.getString("channel_id"), receivedAt,
        new JsonObject().put("messageId", d.getString("id"))));
  }

  /** One {@code messageDelete} per id, in Discord's order. */
  private List<JsonObject> messageDeleteBulk(JsonObject d, long receivedAt) {
    String guildId = d.getString("guild_id");
    if (guildId == null || !(d.getValue("ids") instanceof JsonArray ids)) {
      return List.of();
    }
    List<JsonObject> out = new ArrayList<>(ids.size());
    for (Object id : ids) {
      contents.remove(String.valueOf(id));
      out.add(event("messageDelete", guildId, d.getString("channel_id"), receivedAt,
          new JsonObject().put("messageId", id)));
    }
    return out;
  }

  private List<JsonObject> reaction(String name, JsonObject d, long receivedAt) {
    String guildId = d.getString("guild_id");
    JsonObject emoji = d.getJsonObject("emoji");
    if (guildId == null || emoji == null) {
      return List.of();
    }
    String id = emoji.getString("id");
    String emojiName = emoji.getString("name");
    JsonObject data = new JsonObject()
        .put("messageId", d.getString("message_id"))
        .put("userId", d.getString("user_id"))
        .put("emoji", new JsonObject().put("name", emojiName != null ? emojiName : id).put("id", id));
    Face face = Face.of(guildId, null, d.getJsonObject("member")); // ADD carries the member; REMOVE does not
    if (face != null && d.getString("user_id") != null
        && d.getString("user_id").equals(d.getJsonObject("member").getJsonObject("user").getString("id"))) {
      face.putInto(data);
    }
    return List.of(event(name, guildId, d.getString("channel_id"), receivedAt, data));
  }

  private static String truncate(String content) {
    if (content.codePointCount(0, content.length()) > EventName.MAX_CONTENT) {
      return content.substring(0, content.offsetByCodePoints(0, EventName.MAX_CONTENT));
    }
    return content;
  }

  private List<JsonObject> typingStart(JsonObject d, long receivedAt) {
    String guildId = d.getString("guild_id");
    if (guildId == null) {
      return List.of();
    }
    long at = d.getValue("timestamp") instanceof Number n ? n.longValue() * 1000 : receivedAt;
    return List.of(event("typingStart", guildId, d.getString("channel_id"), at,
        new JsonObject().put("userId", d.getString("user_id"))));
  }

  private List<JsonObject> voiceStateUpdate(JsonObject d, long receivedAt) {
    String guildId = d.getString("guild_id");
    String userId = d.getString("user_id");
    if (guildId == null || userId == null) {
      return List.of();
    }
    return voiceEvents(guildId, voice.update(guildId, userId, d.getString("channel_id"), faceOf(guildId, d.getValue("member"))),
        receivedAt);
  }

  private List<JsonObject> guildCreate(JsonObject d, long receivedAt) {
    String guildId = d.getString("id");
    if (guildId == null || Boolean.TRUE.equals(d.getValue("unavailable"))) {
      return List.of();
    }
    Map<String, Face> names = new LinkedHashMap<>();
    if (d.getValue("members") instanceof JsonArray members) {
      for (Object m : members) {
        String id = m instanceof JsonObject o && o.getValue("user") instanceof JsonObject u ? u.getString("id") : null;
        Face face = faceOf(guildId, m);
        if (id != null && face != null) {
          names.put(id, face);
        }
      }
    }
    Map<String, String> channels = new LinkedHashMap<>();
    if (d.getValue("voice_states") instanceof JsonArray states) {
      for (Object s : states) {
        if (s instanceof JsonObject v && v.getValue("user_id") instanceof String u && v.getValue("channel_id") instanceof String c) {
          channels.put(u, c);
          Face face = faceOf(guildId, v.getValue("member"));
          if (face != null) {
            names.putIfAbsent(u, face);
          }
        }
      }
    }
    return voiceEvents(guildId, voice.snapshot(guildId, channels, names), receivedAt);
  }

  private List<JsonObject> guildDelete(JsonObject d) {
    if (d.getString("id") != null && !Boolean.TRUE.equals(d.getValue("unavailable"))) {
      voice.forgetGuild(d.getString("id")); // removed from the guild; an outage changes nothing
    }
    return List.of();
  }

  private static List<JsonObject> voiceEvents(String guildId, List<VoiceStates.Change> changes, long at) {
    List<JsonObject> out = new ArrayList<>(changes.size());
    for (VoiceStates.Change c : changes) {
      out.add(c.joined()
          ? event("voice.joined", guildId, c.channelId(), at, withFace(c.face(), new JsonObject()
              .put("userId", c.userId()).put("username", c.username()).put("channelId", c.channelId())))
          : event("voice.left", guildId, c.channelId(), at, new JsonObject()
              .put("userId", c.userId()).put("channelId", c.channelId()).put("reason", c.reason())));
    }
    return out;
  }

  private static JsonObject event(String name, String guildId, String channelId, long at, JsonObject data) {
    return new JsonObject().put("name", name).put("guildId", guildId).put("channelId", channelId)
        .put("occurredAt", Times.format(at)).put("data", data)
        .put("trace", new JsonObject().put("traceId", Ids.newTraceId()));
  }

  /** The face of a member object ({@code member.user} with the member's nick and guild avatar), or null. */
  private static Face faceOf(String guildId, Object member) {
    return member instanceof JsonObject m && m.getValue("user") instanceof JsonObject u ? Face.of(guildId, u, m) : null;
  }

  private static JsonObject withFace(Face face, JsonObject data) {
    return face == null ? data : face.putInto(data);
  }

  private static long time(Object iso, long fallback) {
    try {
      return Times.parse("timestamp", iso);
    } catch (ContractViolation e) {
      return fallback;
    }
  }

  /** Discord's session ids are hex; anything else is made safe for the contract's id pattern. */
  private static String idPart(String sessionId) {
    String s = sessionId == null ? "none" : sessionId.replaceAll("[^A-Za-z0-9_:-]", "_");
    return s.length() > 80 ? s.substring(0, 80) : s;
  }
}
