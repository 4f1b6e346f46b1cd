package dev.discordbridge.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GatewayEventTest {
  private static final String GUILD = "112233445566778899";
  private static final String CHANNEL = "223344556677889900";
  private static final String USER = "334455667788990011";
  private static final String MESSAGE = "445566778899001122";
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final Predicate<String> NONE = n -> false;

  static JsonObject event(String name, JsonObject data) {
    return new JsonObject().put("id", "evt_01J0000000000000000000000").put("name", name)
        .put("guildId", GUILD).put("channelId", CHANNEL).put("occurredAt", "2026-11-25T19:00:00.000Z")
        .put("data", data).put("trace", new JsonObject().put("traceId", TRACE));
  }

  static JsonObject messageData() {
    return new JsonObject().put("messageId", MESSAGE)
        .put("author", new JsonObject().put("id", USER).put("username", "ana")).put("content", "hi");
  }

  static JsonObject reactionData() {
    return new JsonObject().put("messageId", MESSAGE).put("userId", USER)
        .put("emoji", new JsonObject().put("name", "👍").putNull("id"));
  }

  static JsonObject voiceJoinedData() {
    return new JsonObject().put("userId", USER).put("username", "ana").put("channelId", CHANNEL);
  }

  static JsonObject voiceLeftData() {
    return new JsonObject().put("userId", USER).put("channelId", CHANNEL).put("reason", "moved");
  }

  static Stream<Arguments> validEvents() {
    return Stream.of(
        Arguments.of("messageCreate", messageData()),
        Arguments.of("reactionAdd", reactionData()),
        Arguments.of("typingStart", new JsonObject().put("userId", USER)),
        Arguments.of("voice.joined", voiceJoinedData()),
        Arguments.of("voice.left", voiceLeftData()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validEvents")
  void acceptsEveryKnownEventAndDropsExtraFields(String name, JsonObject data) {
    JsonObject raw = event(name, data.copy().put("secretExtra", "x")).put("extraTop", 1);
    GatewayEvent e = GatewayEvent.fromJson(raw, NONE);
    assertEquals(name, e.name());
    assertEquals(GUILD, e.guildId());
    assertEquals(CHANNEL, e.channelId());
    assertEquals(TRACE, e.traceId());
    assertEquals(Times.parse("t", "2026-11-25T19:00:00.000Z"), e.occurredAt());
    assertEquals(data, e.data(), "exactly the listed fields");
    assertFalse(e.toJson().containsKey("extraTop"));
  }

  @Test
  void extraFieldsInsideNestedObjectsAreDroppedToo() {
    JsonObject data = messageData();
    data.getJsonObject("author").put("email", "ana@example.com");
    GatewayEvent e = GatewayEvent.fromJson(event("messageCreate", data), NONE);
    assertEquals(new JsonObject().put("id", USER).put("username", "ana"), e.data().getJsonObject("author"));
  }

  static Stream<Arguments> brokenEvents() {
    return Stream.of(
        broken("messageCreate", messageData(), d -> d.remove("messageId"), "data.messageId"),
        broken("messageCreate", messageData(), d -> d.put("messageId", "123"), "data.messageId"),
        broken("messageCreate", messageData(), d -> d.put("messageId", 112233445566778899L), "data.messageId"),
        broken("messageCreate", messageData(), d -> d.remove("author"), "data.author"),
        broken("messageCreate", messageData(), d -> d.getJsonObject("author").put("id", "x"), "data.author.id"),
        broken("messageCreate", messageData(), d -> d.getJsonObject("author").put("username", " \u0000 "), "data.author.username"),
        broken("messageCreate", messageData(), d -> d.put("content", 5), "data.content"),
        broken("messageCreate", messageData(), d -> d.put("content", "x".repeat(2001)), "data.content"),
        broken("reactionAdd", reactionData(), d -> d.remove("userId"), "data.userId"),
        broken("reactionAdd", reactionData(), d -> d.put("emoji", "👍"), "data.emoji"),
        broken("reactionAdd", reactionData(), d -> d.getJsonObject("emoji").put("id", "nope"), "data.emoji.id"),
        broken("reactionAdd", reactionData(), d -> d.getJsonObject("emoji").remove("name"), "data.emoji.name"),
        broken("typingStart", new JsonObject().put("userId", USER), d -> d.put("userId", 1), "data.userId"),
        broken("voice.joined", voiceJoinedData(), d -> d.remove("username"), "data.username"),
        broken("voice.joined", voiceJoinedData(), d -> d.put("channelId", ""), "data.channelId"),
        broken("voice.left", voiceLeftData(), d -> d.put("reason", "vanished"), "data.reason"),
        broken("voice.left", voiceLeftData(), d -> d.remove("reason"), "data.reason"));
  }

  static Arguments broken(String name, JsonObject data, Consumer<JsonObject> breakIt, String field) {
    breakIt.accept(data);
    return Arguments.of(name + " " + field, event(name, data), field);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenEvents")
  void rejectsBrokenData(String label, JsonObject raw, String field) {
    ContractViolation v = assertThrows(ContractViolation.class, () -> GatewayEvent.fromJson(raw, NONE));
    assertEquals("bad_event", v.reason());
    assertEquals(field, v.field());
  }

  @Test
  void rejectsBrokenEnvelopes() {
    JsonObject ok = event("typingStart", new JsonObject().put("userId", USER));
    assertEquals("id", violation(ok.copy().remove("id") == null ? ok : ok.copy().put("id", "has space")).field());
    assertEquals("id", violation(without(ok, "id")).field());
    assertEquals("name", violation(without(ok, "name")).field());
    assertEquals("guildId", violation(ok.copy().put("guildId", "12")).field());
    assertEquals("channelId", violation(without(ok, "channelId")).field());
    assertEquals("occurredAt", violation(ok.copy().put("occurredAt", "yesterday")).field());
    assertEquals("data", violation(ok.copy().put("data", "x")).field());
    assertEquals("bad_event", assertThrows(ContractViolation.class, () -> GatewayEvent.fromJson("text", NONE)).reason());
  }

  @Test
  void aMissingOrMalformedTraceGetsAFreshTraceId() {
    JsonObject raw = event("typingStart", new JsonObject().put("userId", USER));
    raw.remove("trace");
    assertTrue(Ids.isTraceId(GatewayEvent.fromJson(raw, NONE).traceId()));
    raw.put("trace", new JsonObject().put("traceId", "0".repeat(32)));
    String id = GatewayEvent.fromJson(raw, NONE).traceId();
    assertTrue(Ids.isTraceId(id));
    assertFalse(id.equals("0".repeat(32)));
  }

  @Test
  void contentOfExactly2000CodePointsPassesAndControlCharactersAreCleaned() {
    JsonObject data = messageData().put("content", "😀".repeat(2000));
    assertEquals(2000, Text.length(GatewayEvent.fromJson(event("messageCreate", data), NONE).data().getString("content")));
    data.put("content", "he\u0000llo\u202e world\nbye");
    assertEquals("hello world\nbye", GatewayEvent.fromJson(event("messageCreate", data), NONE).data().getString("content"));
    data.put("content", "x".repeat(2000) + "\u0000\u0001");
    assertEquals(2000, GatewayEvent.fromJson(event("messageCreate", data), NONE).data().getString("content").length());
  }

  @Test
  void unknownNamesAreDroppedUnlessAllowed() {
    JsonObject raw = event("threadCreate", new JsonObject().put("threadId", MESSAGE).put("n", 1));
    ContractViolation v = assertThrows(ContractViolation.class, () -> GatewayEvent.fromJson(raw, NONE));
    assertEquals("unknown_event", v.reason());
    GatewayEvent e = GatewayEvent.fromJson(raw, n -> n.equals("threadCreate"));
    assertEquals("threadCreate", e.name());
    assertEquals(raw.getJsonObject("data"), e.data());
    assertFalse(e.ephemeral());
  }

  @Test
  void onlyTypingIsEphemeral() {
    assertTrue(GatewayEvent.fromJson(event("typingStart", new JsonObject().put("userId", USER)), NONE).ephemeral());
    assertFalse(GatewayEvent.fromJson(event("messageCreate", messageData()), NONE).ephemeral());
  }

  @Test
  void emojiIdMayBeNullOrASnowflake() {
    JsonObject data = reactionData();
    assertNull(GatewayEvent.fromJson(event("reactionAdd", data), NONE).data().getJsonObject("emoji").getValue("id"));
    data.getJsonObject("emoji").put("id", MESSAGE);
    assertEquals(MESSAGE, GatewayEvent.fromJson(event("reactionAdd", data), NONE).data().getJsonObject("emoji").getString("id"));
  }

  private static JsonObject without(JsonObject o, String key) {
    JsonObject c = o.copy();
    c.remove(key);
    return c;
  }

  private static ContractViolation violation(JsonObject raw) {
    return assertThrows(ContractViolation.class, () -> GatewayEvent.fromJson(raw, NONE));
  }
}
