package dev.discordbridge.contract;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The event names the contract knows, each with the exact shape of its {@code data}. */
public enum EventName {
  MESSAGE_CREATE("messageCreate", false, EventName::messageCreate),
  REACTION_ADD("reactionAdd", false, EventName::reactionAdd),
  TYPING_START("typingStart", true, EventName::typingStart),
  VOICE_JOINED("voice.joined", false, EventName::voiceJoined),
  VOICE_LEFT("voice.left", false, EventName::voiceLeft),
  // v1.2 (contract section 10)
  MESSAGE_UPDATE("messageUpdate", false, EventName::messageUpdate),
  MESSAGE_DELETE("messageDelete", false, EventName::messageDelete),
  REACTION_REMOVE("reactionRemove", false, EventName::reactionRemove);

  public static final int MAX_CONTENT = 2000;
  public static final int MAX_NAME = 100;
  /** The longest {@code avatarUrl} accepted (Discord's CDN URLs are about 120 characters). */
  public static final int MAX_URL = 512;
  public static final Set<String> LEAVE_REASONS = Set.of("left", "disconnected", "moved", "kicked");

  private static final Map<String, EventName> BY_WIRE =
      Stream.of(values()).collect(Collectors.toUnmodifiableMap(EventName::wire, Function.identity()));

  private final String wire;
  private final boolean ephemeral;
  private final Function<JsonObject, JsonObject> shape;

  EventName(String wire, boolean ephemeral, Function<JsonObject, JsonObject> shape) {
    this.wire = wire;
    this.ephemeral = ephemeral;
    this.shape = shape;
  }

  public String wire() { return wire; }

  /** Ephemeral events are delivered live but never replayed. */
  public boolean ephemeral() { return ephemeral; }

  public static EventName of(String wire) {
    return BY_WIRE.get(wire);
  }

  public static boolean isVoice(String wire) {
    return VOICE_JOINED.wire.equals(wire) || VOICE_LEFT.wire.equals(wire);
  }

  /** Returns a new {@code data} object holding exactly the listed fields, validated and cleaned. */
  public JsonObject shape(JsonObject data) {
    return shape.apply(data);
  }

  private static JsonObject messageCreate(JsonObject d) {
    JsonObject author = object(d, "data.author");
    String content = text(d.getValue("content"), "data.content", 0, MAX_CONTENT, false);
    JsonObject cleanAuthor = new JsonObject()
        .put("id", snowflake(author.getValue("id"), "data.author.id"))
        .put("username", name(author.getValue("username"), "data.author.username"));
    return snowflakes(d, "messageId")
        .put("author", face(author, cleanAuthor, "data.author"))
        .put("content", content);
  }

  private static JsonObject reactionAdd(JsonObject d) {
    return face(d, snowflakes(d, "messageId", "userId")
        .put("emoji", emoji(d.getValue("emoji"), "data.emoji")), "data");
  }

  private static JsonObject reactionRemove(JsonObject d) {
    return reactionAdd(d);
  }

  private static JsonObject messageUpdate(JsonObject d) {
    JsonObject out = snowflakes(d, "messageId");
    if (d.getValue("content") != null) {
      out.put("content", text(d.getValue("content"), "data.content", 0, MAX_CONTENT, false));
    }
    Object editedAt = d.getValue("editedAt");
    if (editedAt != null) {
      out.put("editedAt", Times.format(Times.parse("data.editedAt", editedAt)));
    } else {
      out.putNull("editedAt");
    }
    return out;
  }

  private static JsonObject messageDelete(JsonObject d) {
    return snowflakes(d, "messageId");
  }

  /**
   * Copies the optional {@code displayName} and {@code avatarUrl} (v1.2) of {@code from} into
   * {@code into}, checked: a display name by the name rules, an avatar as an https URL.
   */
  private static JsonObject face(JsonObject from, JsonObject into, String field) {
    if (from.getValue("displayName") != null) {
      into.put("displayName", name(from.getValue("displayName"), field + ".displayName"));
    }
    Object url = from.getValue("avatarUrl");
    if (url != null) {
      if (!(url instanceof String u) || !u.startsWith("https://") || u.length() > MAX_URL
          || u.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '<' || c == '>' || c == '\\')) {
        throw ContractViolation.field(field + ".avatarUrl", "must be an https URL of at most " + MAX_URL + " characters");
      }
      into.put("avatarUrl", u);
    }
    return into;
  }

  private static JsonObject typingStart(JsonObject d) {
    return snowflakes(d, "userId");
  }

  private static JsonObject voiceJoined(JsonObject d) {
    return face(d, snowflakes(d, "userId")
        .put("username", name(d.getValue("username"), "data.username"))
        .put("channelId", snowflake(d.getValue("channelId"), "data.channelId")), "data");
  }

  private static JsonObject voiceLeft(JsonObject d) {
    Object reason = d.getValue("reason");
    if (!(reason instanceof String r) || !LEAVE_REASONS.contains(r)) {
      throw ContractViolation.field("data.reason", "must be one of " + LEAVE_REASONS);
    }
    return snowflakes(d, "userId", "channelId").put("reason", reason);
  }

  // ---- field rules shared with commands ----

  public static String snowflake(Object v, String field) {
    if (!Ids.isSnowflake(v)) {
      throw ContractViolation.field(field, "must be a snowflake (17 to 20 digits, as a string)");
    }
    return (String) v;
  }

  public static String name(Object v, String field) {
    if (!(v instanceof String s)) {
      throw ContractViolation.field(field, "must be a string");
    }
    String clean = Text.cleanName(s);
    if (clean.isEmpty() || Text.length(clean) > MAX_NAME) {
      throw ContractViolation.field(field, "must be 1 to " + MAX_NAME + " visible characters");
    }
    return clean;
  }

  public static String text(Object v, String field, int min, int max, boolean requireVisible) {
    if (!(v instanceof String s)) {
      throw ContractViolation.field(field, "must be a string");
    }
    String clean = Text.clean(s);
    int len = Text.length(clean);
    if (len < min || len > max) {
      throw ContractViolation.field(field, "must be " + min + " to " + max + " characters");
    }
    if (requireVisible && clean.isBlank()) {
      throw ContractViolation.field(field, "must not be only white space");
    }
    return clean;
  }

  public static JsonObject emoji(Object v, String field) {
    if (!(v instanceof JsonObject e)) {
      throw ContractViolation.field(field, "must be an object {name, id}");
    }
    Object id = e.getValue("id");
    if (id != null && !Ids.isSnowflake(id)) {
      throw ContractViolation.field(field + ".id", "must be a snowflake or null");
    }
    return new JsonObject()
        .put("name", name(e.getValue("name"), field + ".name"))
        .put("id", id);
  }

  /** A new object with the snowflakes {@code keys} of {@code d}, checked in this order. */
  private static JsonObject snowflakes(JsonObject d, String... keys) {
    var out = new JsonObject();
    for (String key : keys) {
      out.put(key, snowflake(d.getValue(key), "data." + key));
    }
    return out;
  }

  private static JsonObject object(JsonObject d, String field) {
    String key = field.substring(field.lastIndexOf('.') + 1);
    Object v = d.getValue(key);
    if (!(v instanceof JsonObject o)) {
      throw ContractViolation.field(field, "must be an object");
    }
    return o;
  }
}
