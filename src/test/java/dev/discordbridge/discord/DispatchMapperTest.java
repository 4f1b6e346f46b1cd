package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.contract.GatewayEvent;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class DispatchMapperTest {
  private static final String SESSION = "0123456789abcdef0123456789abcdef";
  private static final String GUILD = "300000000000000001";
  private static final String TEXT = "400000000000000001";
  private static final String VOICE_A = "400000000000000002";
  private static final String VOICE_B = "400000000000000003";
  private static final String ANA = "200000000000000001";
  private static final String BOB = "200000000000000002";
  private static final String CAL = "200000000000000003";
  private static final long NOW = 1_764_097_200_000L;

  private final DispatchMapper mapper = new DispatchMapper();
  private long seq = 1;

  private List<GatewayEvent> map(String type, JsonObject d) {
    return mapper.map(type, d, SESSION, ++seq, NOW);
  }

  private static JsonObject member(String id, String username) {
    return new JsonObject().put("user", new JsonObject().put("id", id).put("username", username).put("global_name", "Shown " + username));
  }

  private static JsonObject voiceState(String userId, String channelId, String username) {
    var v = new JsonObject().put("guild_id", GUILD).put("user_id", userId).put("channel_id", channelId)
        .put("session_id", "abc").put("self_mute", false).put("self_deaf", false);
    return username == null ? v : v.put("member", member(userId, username));
  }

  private static String summary(GatewayEvent e) {
    var d = e.data();
    return e.name() + " " + d.getString("userId") + " " + e.channelId()
        + (d.containsKey("username") ? " " + d.getString("username") : "")
        + (d.containsKey("reason") ? " " + d.getString("reason") : "");
  }

  @Test
  void messageCreateInAGuild() {
    var events = map("MESSAGE_CREATE", new JsonObject().put("id", "500000000000000001").put("guild_id", GUILD)
        .put("channel_id", TEXT).put("content", "hi there").put("timestamp", "2025-11-25T19:00:00.123456+00:00")
        .put("author", new JsonObject().put("id", ANA).put("username", "ana").put("global_name", "Ana B.")));
    assertEquals(1, events.size());
    GatewayEvent e = events.get(0);
    assertEquals("messageCreate", e.name());
    assertEquals("dsc." + SESSION + "." + seq, e.id());
    assertEquals(GUILD, e.guildId());
    assertEquals(TEXT, e.channelId());
    assertEquals(Times.parse("t", "2025-11-25T19:00:00.123Z"), e.occurredAt());
    assertEquals(new JsonObject().put("messageId", "500000000000000001")
        .put("author", new JsonObject().put("id", ANA).put("username", "ana").put("displayName", "Ana B.")
            .put("avatarUrl", "https://cdn.discordapp.com/embed/avatars/0.png")).put("content", "hi there"), e.data());
    assertTrue(Ids.isTraceId(e.traceId()));
  }

  @Test
  void directMessagesAreIgnored() {
    assertTrue(map("MESSAGE_CREATE", new JsonObject().put("id", "500000000000000001").put("channel_id", TEXT)
        .put("content", "psst").put("timestamp", "2025-11-25T19:00:00.000000+00:00")
        .put("author", new JsonObject().put("id", ANA).put("username", "ana"))).isEmpty());
    assertTrue(map("TYPING_START", new JsonObject().put("channel_id", TEXT).put("user_id", ANA).put("timestamp", 1_764_097_200L)).isEmpty());
    assertTrue(map("MESSAGE_REACTION_ADD", new JsonObject().put("channel_id", TEXT).put("user_id", ANA)
        .put("message_id", "500000000000000001").put("emoji", new JsonObject().put("name", "👍").putNull("id"))).isEmpty());
  }

  @Test
  void overlongContentIsCutTo2000CodePoints() {
    var e = map("MESSAGE_CREATE", new JsonObject().put("id", "500000000000000001").put("guild_id", GUILD)
        .put("channel_id", TEXT).put("content", "😀".repeat(4000)).put("timestamp", "2025-11-25T19:00:00.000000+00:00")
        .put("author", new JsonObject().put("id", ANA).put("username", "ana"))).get(0);
    assertEquals("😀".repeat(2000), e.data().getString("content"));
  }

  @Test
  void reactionAddWithUnicodeAndCustomEmoji() {
    var unicode = map("MESSAGE_REACTION_ADD", new JsonObject().put("guild_id", GUILD).put("channel_id", TEXT)
        .put("user_id", BOB).put("message_id", "500000000000000001").put("emoji", new JsonObject().put("name", "👍").putNull("id"))
        .put("member", member(BOB, "bob"))).get(0);
    assertEquals("reactionAdd", unicode.name());
    assertEquals(NOW, unicode.occurredAt());
    assertEquals(new JsonObject().put("messageId", "500000000000000001").put("userId", BOB)
        .put("emoji", new JsonObject().put("name", "👍").putNull("id")).put("displayName", "Shown bob")
        .put("avatarUrl", "https://cdn.discordapp.com/embed/avatars/0.png"), unicode.data());
    var custom = map("MESSAGE_REACTION_ADD", new JsonObject().put("guild_id", GUILD).put("channel_id", TEXT)
        .put("user_id", BOB).put("message_id", "500000000000000001")
        .put("emoji", new JsonObject().put("name", "party").put("id", "600000000000000001").put("animated", true))).get(0);
    assertEquals(new JsonObject().put("name", "party").put("id", "600000000000000001"), custom.data().getJsonObject("emoji"));
  }

  @Test
  void typingStartIsDatedByItsUnixSeconds() {
    var e = map("TYPING_START", new JsonObject().put("guild_id", GUILD).put("channel_id", TEXT).put("user_id", ANA)
        .put("timestamp", 1_764_097_000L).put("member", member(ANA, "ana"))).get(0);
    assertEquals("typingStart", e.name());
    assertEquals(1_764_097_000_000L, e.occurredAt());
    assertEquals(new JsonObject().put("userId", ANA), e.data());
  }

  @Test
  void guildCreateSnapshotThenJoinMoveMuteAndLeave() {
    var snapshot = map("GUILD_CREATE", new JsonObject().put("id", GUILD).put("name", "g").put("unavailable", false)
        .put("members", new JsonArray().add(member(ANA, "ana")).add(member(BOB, "bob")))
        .put("voice_states", new JsonArray()
            .add(new JsonObject().put("user_id", ANA).put("channel_id", VOICE_A).put("session_id", "s1"))
            .add(new JsonObject().put("user_id", BOB).put("channel_id", VOICE_B).put("session_id", "s2"))));
    assertEquals(List.of("voice.joined " + ANA + " " + VOICE_A + " ana", "voice.joined " + BOB + " " + VOICE_B + " bob"),
        snapshot.stream().map(DispatchMapperTest::summary).toList());
    assertEquals("dsc." + SESSION + "." + seq + ".0", snapshot.get(0).id());
    assertEquals("dsc." + SESSION + "." + seq + ".1", snapshot.get(1).id());
    assertEquals(VOICE_A, snapshot.get(0).data().getString("channelId"));

    var join = map("VOICE_STATE_UPDATE", voiceState(CAL, VOICE_A, "cal"));
    assertEquals(List.of("voice.joined " + CAL + " " + VOICE_A + " cal"), join.stream().map(DispatchMapperTest::summary).toList());
    assertEquals("dsc." + SESSION + "." + seq, join.get(0).id());

    var move = map("VOICE_STATE_UPDATE", voiceState(ANA, VOICE_B, null));
    assertEquals(List.of("voice.left " + ANA + " " + VOICE_A + " moved", "voice.joined " + ANA + " " + VOICE_B + " ana"),
        move.stream().map(DispatchMapperTest::summary).toList(), "username remembered from the snapshot's members");

    assertTrue(map("VOICE_STATE_UPDATE", voiceState(ANA, VOICE_B, "ana").put("self_mute", true)).isEmpty(), "mute: nothing");

    var leave = map("VOICE_STATE_UPDATE", voiceState(BOB, null, "bob"));
    assertEquals(List.of("voice.left " + BOB + " " + VOICE_B + " left"), leave.stream().map(DispatchMapperTest::summary).toList());
    assertEquals(VOICE_B, leave.get(0).data().getString("channelId"));
    assertNull(mapper.voiceStates().channelOf(GUILD, BOB));
  }

  @Test
  void aLaterSnapshotReportsOnlyTheDifference() {
    map("GUILD_CREATE", new JsonObject().put("id", GUILD).put("members", new JsonArray().add(member(ANA, "ana")))
        .put("voice_states", new JsonArray().add(new JsonObject().put("user_id", ANA).put("channel_id", VOICE_A))
            .add(new JsonObject().put("user_id", BOB).put("channel_id", VOICE_A))));
    var again = map("GUILD_CREATE", new JsonObject().put("id", GUILD)
        .put("voice_states", new JsonArray().add(new JsonObject().put("user_id", ANA).put("channel_id", VOICE_A))
            .add(new JsonObject().put("user_id", CAL).put("channel_id", VOICE_B).put("member", member(CAL, "cal")))));
    assertEquals(List.of("voice.left " + BOB + " " + VOICE_A + " left", "voice.joined " + CAL + " " + VOICE_B + " cal"),
        again.stream().map(DispatchMapperTest::summary).toList());
  }

  @Test
  void usernameFallsBackToTheUserId() {
    var e = map("VOICE_STATE_UPDATE", voiceState(CAL, VOICE_A, null)).get(0);
    assertEquals(CAL, e.data().getString("username"));
  }

  @Test
  void unavailableGuildsAndUnknownTypesGiveNothing() {
    map("VOICE_STATE_UPDATE", voiceState(ANA, VOICE_A, "ana"));
    assertTrue(map("GUILD_DELETE", new JsonObject().put("id", GUILD).put("unavailable", true)).isEmpty());
    assertEquals(VOICE_A, mapper.voiceStates().channelOf(GUILD, ANA), "an outage forgets nobody");
    assertTrue(map("GUILD_CREATE", new JsonObject().put("id", GUILD).put("unavailable", true)).isEmpty());
    assertTrue(map("PRESENCE_UPDATE", new JsonObject().put("guild_id", GUILD)).isEmpty());
    assertTrue(map("READY", new JsonObject().put("session_id", SESSION)).isEmpty());
  }

  @Test
  void theSameDispatchGivesTheSameIdsAfterAReplay() {
    var d = new JsonObject().put("id", "500000000000000009").put("guild_id", GUILD).put("channel_id", TEXT)
        .put("content", "x").put("timestamp", "2025-11-25T19:00:00.000000+00:00")
        .put("author", new JsonObject().put("id", ANA).put("username", "ana"));
    var first = mapper.map("MESSAGE_CREATE", d, SESSION, 42, NOW).get(0);
    var replay = mapper.map("MESSAGE_CREATE", d, SESSION, 42, NOW + 5000).get(0);
    assertEquals(first.id(), replay.id());
    assertNotEquals(first.traceId(), replay.traceId());
    assertNotEquals(first.id(), mapper.map("MESSAGE_CREATE", d, "ffff" + SESSION.substring(4), 42, NOW).get(0).id());
  }

  @Test
  void eventsBreakingTheContractAreDropped() {
    assertTrue(map("MESSAGE_CREATE", new JsonObject().put("id", "not-a-snowflake").put("guild_id", GUILD)
        .put("channel_id", TEXT).put("content", "x").put("author", new JsonObject().put("id", ANA).put("username", "ana"))).isEmpty());
    assertTrue(map("MESSAGE_CREATE", new JsonObject().put("id", "500000000000000001").put("guild_id", GUILD)
        .put("channel_id", TEXT).put("content", "x").put("author", new JsonObject().put("id", ANA).put("username", " "))).isEmpty());
  }

  @Test
  void observedVoiceEventsTeachWhoIsWhere() {
    var states = new VoiceStates();
    var joined = GatewayEvent.fromJson(new JsonObject().put("id", "x1").put("name", "voice.joined").put("guildId", GUILD)
        .put("channelId", VOICE_A).put("occurredAt", Times.format(NOW))
        .put("data", new JsonObject().put("userId", ANA).put("username", "ana").put("channelId", VOICE_A)), n -> false);
    states.observe(joined);
    var local = new DispatchMapper(states);
    assertEquals(List.of("voice.left " + ANA + " " + VOICE_A + " left"),
        local.map("VOICE_STATE_UPDATE", voiceState(ANA, null, null), SESSION, 7, NOW).stream().map(DispatchMapperTest::summary).toList());
    var left = GatewayEvent.fromJson(new JsonObject().put("id", "x2").put("name", "voice.left").put("guildId", GUILD)
        .put("channelId", VOICE_A).put("occurredAt", Times.format(NOW))
        .put("data", new JsonObject().put("userId", BOB).put("channelId", VOICE_A).put("reason", "left")), n -> false);
    states.update(GUILD, BOB, VOICE_A, "bob");
    states.observe(left);
    assertNull(states.channelOf(GUILD, BOB));
  }
}
