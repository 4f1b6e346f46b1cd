package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.testing.Poll;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract section 9 on the stream, a whole node in direct mode against the fake Discord: an event
 * of a channel the caller cannot view is never written (live, replayed, voice presence), and open
 * streams follow permission changes within 2 s without reconnecting.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DirectStreamPermissionsTest {
  static final String TOKEN = "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.direct-stream-perms-token";
  static final String GUILD = "1181471853712130048";
  static final String TEXT = "1181471853712130052";
  static final String STAFF = "1181471853712130053";
  static final String VOICE = "1181471853712130060";
  static final String STAFF_VOICE = "1181471853712130061";
  static final String USER = "1181471853712130199";
  static final String ANA = "1181471853712130101";
  static final String MOD = "1181471853712130300";
  static final long VIEW = 1L << 10;
  /** A change applies within this (contract: 2 s), plus a margin for this shared, loaded machine. */
  static final long WITHIN_MS = 2_000 + 1_500;
  static final AtomicLong ids = new AtomicLong(1181471853712140000L);

  FakeDiscord discord;
  DirectNode direct;

  @BeforeEach
  void setUp() {
    direct = DirectNode.fake(TOKEN);
    discord = direct.discord;
    discord.guild(GUILD, List.of(TEXT, STAFF, VOICE, STAFF_VOICE), List.of());
  }

  @AfterEach
  void tearDown() {
    direct.close();
  }

  void startNode(Map<String, String> extra) throws Exception {
    Map<String, String> settings = new java.util.HashMap<>(Map.of("DISCORD_COMPRESS", "none"));
    settings.putAll(extra);
    direct.start("stream-perms", settings);
    direct.awaitReady(200);
    // The staff channels are closed to @everyone.
    hide(STAFF, new JsonArray());
    hide(STAFF_VOICE, new JsonArray());
  }

  void hide(String channel, JsonArray more) {
    JsonArray overwrites = new JsonArray().add(overwrite(GUILD, 0, 0, VIEW));
    more.forEach(overwrites::add);
    dispatch("CHANNEL_UPDATE", new JsonObject().put("id", channel).put("guild_id", GUILD).put("type", 0)
        .put("permission_overwrites", overwrites));
  }

  void dispatch(String type, JsonObject d) {
    discord.gateway.dispatch(0, type, d).await();
  }

  static JsonObject overwrite(String id, int type, long allow, long deny) {
    return new JsonObject().put("id", id).put("type", type).put("allow", Long.toString(allow)).put("deny", Long.toString(deny));
  }

  String token() {
    return direct.mint(USER, List.of(GUILD));
  }

  String base() {
    return direct.base();
  }

  HttpResponse<String> get(String path) throws Exception {
    return direct.get(path, token());
  }

  SseClient stream(String query, String lastEventId) throws Exception {
    return direct.stream("/api/stream" + query, token(), lastEventId);
  }

  /** A message in a channel, as the gateway sends it; returns its content. */
  String say(String channel, String content) {
    dispatch("MESSAGE_CREATE", new JsonObject().put("id", Long.toString(ids.incrementAndGet())).put("guild_id", GUILD)
        .put("channel_id", channel).put("content", content).put("timestamp", "2026-12-02T12:00:00.123000+00:00")
        .put("author", new JsonObject().put("id", ANA).put("username", "ana")));
    return content;
  }

  /** The next messageCreate's content, or null within {@code ms}. */
  static String nextMessage(SseClient s, long ms) throws InterruptedException {
    SseClient.Event e = s.next("messageCreate", ms);
    return e == null ? null : e.json().getJsonObject("data").getString("content");
  }

  /** Sends a staff message then a public marker until {@code staffSeen} holds for a pair; the time it took. */
  long untilStaff(SseClient s, boolean staffSeen) throws Exception {
    long start = System.currentTimeMillis();
    for (int i = 0; System.currentTimeMillis() - start < 10_000; i++) {
      say(STAFF, "staff " + i);
      say(TEXT, "marker " + i);
      String first = nextMessage(s, 5_000);
      boolean sawStaff = ("staff " + i).equals(first);
      if (sawStaff) {
        assertEquals("marker " + i, nextMessage(s, 5_000));
      } else {
        assertEquals("marker " + i, first);
      }
      if (sawStaff == staffSeen) {
        return System.currentTimeMillis() - start;
      }
      Thread.sleep(100); // paced probes while the change spreads (the condition is checked by events, not by time)
    }
    throw new AssertionError("the stream did not follow the change within 10 s");
  }

  @Test
  void eventsOfAHiddenChannelAreNeverWrittenLiveOrReplayed() throws Exception {
    startNode(Map.of());
    SseClient live = stream("?guild=" + GUILD, null);
    untilStaff(live, false); // the overwrites reached this node
    say(STAFF, "secret");
    say(TEXT, "public");
    SseClient.Event seen = live.next("messageCreate", 10_000);
    assertEquals("public", seen.json().getJsonObject("data").getString("content"));
    assertNull(nextMessage(live, 500));
    String before = live.lastId();
    say(STAFF, "secret 2");
    say(TEXT, "public 2");
    assertEquals("public 2", nextMessage(live, 10_000));
    SseClient replay = stream("?guild=" + GUILD, before);
    assertEquals("public 2", nextMessage(replay, 10_000), "the replay skips the hidden channel");
    assertNull(nextMessage(replay, 500));
  }

  @Test
  void openStreamsFollowAnOverwriteGrantedAndRevokedWithoutReconnecting() throws Exception {
    startNode(Map.of());
    SseClient s = stream("", null);
    untilStaff(s, false);
    hide(STAFF, new JsonArray().add(overwrite(USER, 1, VIEW, 0)));
    long granted = untilStaff(s, true);
    assertTrue(granted < WITHIN_MS, "granted after " + granted + " ms");
    hide(STAFF, new JsonArray());
    long revoked = untilStaff(s, false);
    assertTrue(revoked < WITHIN_MS, "revoked after " + revoked + " ms");
    System.out.printf("overwrite change reached an open stream: granted in %d ms, revoked in %d ms%n", granted, revoked);
    // a channel deleted: nothing of it any more (and no error for the stream)
    dispatch("CHANNEL_DELETE", new JsonObject().put("id", TEXT).put("guild_id", GUILD).put("type", 0));
    say(TEXT, "ghost");
    dispatch("CHANNEL_CREATE", new JsonObject().put("id", "1181471853712130054").put("guild_id", GUILD).put("type", 0));
    Poll.until(WITHIN_MS, "the new channel is visible", () -> {
      say("1181471853712130054", "new channel");
      try {
        return "new channel".equals(nextMessage(s, 300));
      } catch (InterruptedException e) {
        return false;
      }
    });
  }

  @Test
  void aRoleGrantedByGuildMemberUpdateAppliesToOpenStreams() throws Exception {
    startNode(Map.of("DISCORD_GUILD_MEMBERS_INTENT", "true"));
    dispatch("GUILD_ROLE_CREATE", new JsonObject().put("guild_id", GUILD)
        .put("role", new JsonObject().put("id", MOD).put("permissions", "0")));
    hide(STAFF, new JsonArray().add(overwrite(MOD, 0, VIEW, 0)));
    SseClient s = stream("", null);
    untilStaff(s, false);
    discord.rest.members.member(GUILD, USER, List.of(MOD)); // what a refetch would say from now on
    dispatch("GUILD_MEMBER_UPDATE", new JsonObject().put("guild_id", GUILD).put("roles", new JsonArray().add(MOD))
        .put("user", new JsonObject().put("id", USER).put("username", "u")));
    long granted = untilStaff(s, true);
    assertTrue(granted < WITHIN_MS, "granted after " + granted + " ms");
    discord.rest.members.member(GUILD, USER, List.of());
    dispatch("GUILD_ROLE_DELETE", new JsonObject().put("guild_id", GUILD).put("role_id", MOD));
    long revoked = untilStaff(s, false);
    assertTrue(revoked < WITHIN_MS, "revoked after " + revoked + " ms");
    System.out.printf("role change reached an open stream: GUILD_MEMBER_UPDATE in %d ms, GUILD_ROLE_DELETE in %d ms%n",
        granted, revoked);
  }

  @Test
  void withoutTheMembersIntentARoleGrantedAppliesWithinTheMemberTtlByRefetch() throws Exception {
    startNode(Map.of("DISCORD_MEMBER_TTL_MS", "1000"));
    dispatch("GUILD_ROLE_CREATE", new JsonObject().put("guild_id", GUILD)
        .put("role", new JsonObject().put("id", MOD).put("permissions", "0")));
    hide(STAFF, new JsonArray().add(overwrite(MOD, 0, VIEW, 0)));
    SseClient s = stream("", null);
    untilStaff(s, false);
    discord.rest.members.member(GUILD, USER, List.of(MOD)); // Discord says so from now on; no dispatch comes
    long granted = untilStaff(s, true);
    discord.rest.members.member(GUILD, USER, List.of());
    long revoked = untilStaff(s, false);
    System.out.printf("role change by refetch (TTL 1000 ms) reached an open stream: granted in %d ms, revoked in %d ms%n",
        granted, revoked);
    assertTrue(granted < 1_000 + WITHIN_MS, "granted after " + granted + " ms");
    assertTrue(revoked < 1_000 + WITHIN_MS, "revoked after " + revoked + " ms");
  }

  @Test
  void aViewerWhoseRolesCannotBeLearntSeesNothingUntilDiscordAnswers() throws Exception {
    startNode(Map.of());
    discord.rest.members.failing(true);
    SseClient s = stream("", null);
    say(TEXT, "while Discord is down");
    assertNull(nextMessage(s, 1_000), "roles unknown: nothing of the guild");
    discord.rest.members.failing(false);
    long back = System.currentTimeMillis();
    Poll.until(15_000, "the stream shows the guild once the roles are known", () -> {
      say(TEXT, "probe");
      try {
        return "probe".equals(nextMessage(s, 300));
      } catch (InterruptedException e) {
        return false;
      }
    });
    System.out.printf("roles learnt after Discord recovered: the open stream showed the guild %d ms later%n",
        System.currentTimeMillis() - back);
  }

  @Test
  void aHiddenVoiceChannelIsAbsentFromVoicePresenceAndTheStream() throws Exception {
    startNode(Map.of());
    SseClient s = stream("", null);
    untilStaff(s, false);
    dispatch("VOICE_STATE_UPDATE", voiceState("1181471853712130102", STAFF_VOICE, "bob"));
    dispatch("VOICE_STATE_UPDATE", voiceState(ANA, VOICE, "ana"));
    SseClient.Event joined = s.next("voice.joined", 10_000);
    assertEquals(VOICE, joined.json().getString("channelId"), "the hidden voice channel's join was not written");
    JsonObject channels = new JsonObject(get("/api/guilds/" + GUILD + "/voice").body()).getJsonObject("channels");
    assertTrue(channels.containsKey(VOICE), channels.encode());
    assertTrue(!channels.containsKey(STAFF_VOICE), "a hidden voice channel is absent: " + channels.encode());
  }

  @Test
  void theLegacySocketLeavesOutAHiddenVoiceChannel() throws Exception {
    startNode(Map.of("ENABLE_WS_BRIDGE", "true"));
    SseClient s = stream("", null);
    untilStaff(s, false);
    var frames = new java.util.concurrent.LinkedBlockingQueue<JsonObject>();
    var socket = DirectNode.HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token())
        .buildAsync(URI.create(base().replace("http://", "ws://") + "/api/ws"), new java.net.http.WebSocket.Listener() {
          final StringBuilder text = new StringBuilder();

          @Override
          public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              frames.add(new JsonObject(text.toString()));
              text.setLength(0);
            }
            ws.request(1);
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    try {
      socket.sendText(new JsonObject().put("type", "subscribe").put("guildId", GUILD).encode(), true).get(5, TimeUnit.SECONDS);
      assertEquals("subscribed", frames.poll(10, TimeUnit.SECONDS).getString("type"));
      dispatch("VOICE_STATE_UPDATE", voiceState("1181471853712130102", STAFF_VOICE, "bob"));
      dispatch("VOICE_STATE_UPDATE", voiceState(ANA, VOICE, "ana"));
      JsonObject first = frames.poll(10, TimeUnit.SECONDS);
      assertNotNull(first);
      assertEquals(VOICE, first.getString("channelId"), "the hidden voice channel's join was not sent: " + first);
      assertNull(frames.poll(500, TimeUnit.MILLISECONDS));
    } finally {
      socket.abort();
    }
  }

  static JsonObject voiceState(String userId, String channelId, String username) {
    return new JsonObject().put("guild_id", GUILD).put("user_id", userId).put("channel_id", channelId)
        .put("member", new JsonObject().put("user", new JsonObject().put("id", userId).put("username", username)));
  }
}
