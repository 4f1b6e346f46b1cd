package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.testing.Poll;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A whole node in direct Discord mode (in process) against the fake Discord: events from the
 * gateway reach SSE streams with contract shapes, commands go to the REST fake with the safety
 * fields, session faults reach browsers once (or as a reset), and refusals reach /health/ready.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DirectModeTest {
  static final String TOKEN = "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.direct-mode-test-token";
  static final String GUILD = "1181471853712130048";
  static final String TEXT = "1181471853712130052";
  static final String VOICE = "1181471853712130060";
  static final String ANA = "1181471853712130101";
  static final String BOB = "1181471853712130102";
  static final String USER = "1181471853712130199";
  static final String THREAD = "1181471853712130070";
  /** Another guild of the bot's, which the caller's token does not name. */
  static final String OTHER_GUILD = "1181471853712130400";
  static final String OTHER_TEXT = "1181471853712130401";
  /** A channel of no guild the bot knows (a DM, say). */
  static final String DM = "1181471853712130500";
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  FakeDiscord discord;
  DirectNode direct;

  @BeforeEach
  void setUp() {
    direct = DirectNode.fake(TOKEN);
    discord = direct.discord;
    discord.guild(GUILD, List.of(TEXT, VOICE), List.<String[]>of(new String[] {THREAD, TEXT}));
    discord.guild(OTHER_GUILD, List.of(OTHER_TEXT), List.of());
  }

  @AfterEach
  void tearDown() {
    direct.close();
  }

  Node startNode(Map<String, String> extra) throws Exception {
    Map<String, String> settings = new java.util.HashMap<>(Map.of("DISCORD_COMPRESS", "zlib-stream"));
    settings.putAll(extra);
    return direct.start("direct", settings);
  }

  String base() {
    return direct.base();
  }

  String token() {
    return direct.mint(USER, List.of(GUILD));
  }

  SseClient stream(String lastEventId) throws Exception {
    return direct.stream("/api/stream?guild=" + GUILD, token(), lastEventId);
  }

  HttpResponse<String> get(String path) throws Exception {
    return direct.get(path, token());
  }

  HttpResponse<String> command(String name, JsonObject body) throws Exception {
    return direct.post("/api/commands/" + name, token(), body, Duration.ofSeconds(20));
  }

  static void await(long timeoutMs, String what, java.util.function.BooleanSupplier condition) {
    Poll.until(timeoutMs, what, condition);
  }

  void awaitReady(int status) {
    direct.awaitReady(status);
  }

  static JsonObject message(String id, String content) {
    return new JsonObject().put("id", id).put("guild_id", GUILD).put("channel_id", TEXT).put("content", content)
        .put("timestamp", "2026-12-02T12:00:00.123000+00:00")
        .put("author", new JsonObject().put("id", ANA).put("username", "ana"));
  }

  static JsonObject voiceState(String userId, String channelId, String username) {
    return new JsonObject().put("guild_id", GUILD).put("user_id", userId).put("channel_id", channelId)
        .put("member", new JsonObject().put("user", new JsonObject().put("id", userId).put("username", username)));
  }

  @Test
  void eventsFromTheGatewayReachStreamsAndVoiceIsSeededFromGuildCreate() throws Exception {
    startNode(Map.of());
    awaitReady(200);
    // A node that starts while someone sits in voice shows them at once.
    discord.gateway.dispatch(0, "GUILD_CREATE", new JsonObject().put("id", GUILD).put("name", "g")
        .put("voice_states", new JsonArray().add(new JsonObject().put("user_id", ANA).put("channel_id", VOICE)))
        .put("members", new JsonArray().add(new JsonObject().put("user", new JsonObject().put("id", ANA).put("username", "ana")))))
        .await();
    await(10_000, "ana in the voice snapshot", () -> {
      try {
        JsonObject voice = new JsonObject(get("/api/guilds/" + GUILD + "/voice").body());
        return voice.getJsonObject("channels").getJsonArray(VOICE, new JsonArray()).size() == 1;
      } catch (Exception e) {
        return false;
      }
    });
    SseClient s = stream(null);
    discord.gateway.dispatch(0, "MESSAGE_CREATE", message("1181471853712139001", "hello from discord")).await();
    SseClient.Event m = s.next("messageCreate", 10_000);
    assertNotNull(m);
    JsonObject json = m.json();
    assertEquals("hello from discord", json.getJsonObject("data").getString("content"));
    assertEquals(new JsonObject().put("id", ANA).put("username", "ana").put("displayName", "ana")
        .put("avatarUrl", Face.defaultAvatar(ANA)), json.getJsonObject("data").getJsonObject("author"));
    assertEquals("2026-12-02T12:00:00.123Z", json.getString("occurredAt"));
    assertTrue(json.getJsonObject("trace").getString("traceId").matches("[0-9a-f]{32}"));
    discord.gateway.dispatch(0, "VOICE_STATE_UPDATE", voiceState(BOB, VOICE, "bob")).await();
    SseClient.Event joined = s.next("voice.joined", 10_000);
    assertEquals(BOB, joined.json().getJsonObject("data").getString("userId"));
    discord.gateway.dispatch(0, "VOICE_STATE_UPDATE", voiceState(BOB, null, "bob")).await();
    SseClient.Event left = s.next("voice.left", 10_000);
    assertEquals(new JsonObject().put("userId", BOB).put("channelId", VOICE).put("reason", "left"),
        left.json().getJsonObject("data"));
  }

  @Test
  void commandsGoToDiscordRestWithoutMentionsAndWithANonce() throws Exception {
    startNode(Map.of());
    awaitReady(200);
    HttpResponse<String> sent = command("sendMessage", new JsonObject().put("guildId", GUILD).put("channelId", TEXT)
        .put("content", "@everyone look"));
    assertEquals(200, sent.statusCode(), sent.body());
    JsonObject answer = new JsonObject(sent.body());
    assertEquals("delivered", answer.getString("status"));
    assertNotNull(answer.getJsonObject("result").getString("messageId"));
    var posts = discord.rest.requests("POST", "/channels/" + TEXT + "/messages");
    assertEquals(1, posts.size());
    JsonObject body = posts.get(0).body();
    assertEquals(new JsonObject().put("parse", new JsonArray()), body.getJsonObject("allowed_mentions"));
    assertTrue(body.getBoolean("enforce_nonce"));
    assertNotNull(body.getString("nonce"));
    assertEquals("Bot " + TOKEN, posts.get(0).headers().get("Authorization"));

    HttpResponse<String> reacted = command("addReaction", new JsonObject().put("guildId", GUILD).put("channelId", TEXT)
        .put("messageId", answer.getJsonObject("result").getString("messageId"))
        .put("emoji", new JsonObject().put("name", "👍").putNull("id")));
    assertEquals(200, reacted.statusCode(), reacted.body());
    assertEquals("👍", discord.rest.reactions().get(0).emoji());

    discord.rest.nextError(403, 50013, "Missing Permissions");
    HttpResponse<String> refused = command("sendMessage", new JsonObject().put("guildId", GUILD).put("channelId", TEXT)
        .put("content", "not allowed"));
    assertEquals(502, refused.statusCode(), refused.body());
    JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
    assertEquals("UPSTREAM_REJECTED", error.getString("code"));
    assertTrue(error.encode().contains("DISCORD_50013"), error.encode());
  }

  @Test
  void aLostAnswerIsConfirmedByTheGatewayEchoAndTheMessageIsPostedOnce() throws Exception {
    discord.rest.nonceWindow(0); // the retry comes after Discord's de-duplication is over
    startNode(Map.of("COMMAND_ACK_WAIT_MS", "15000"));
    awaitReady(200);
    discord.rest.nextDropAfterCommit(2_000); // created, echoed on the gateway, then the answer is lost
    HttpResponse<String> sent = command("sendMessage", new JsonObject().put("guildId", GUILD).put("channelId", TEXT)
        .put("content", "exactly once"));
    assertEquals(200, sent.statusCode(), sent.body());
    assertEquals(1, discord.rest.messages().size(), "posted twice: " + discord.rest.messages());
    assertEquals(discord.rest.messages().get(0).getString("id"),
        new JsonObject(sent.body()).getJsonObject("result").getString("messageId"));
  }

  HttpResponse<String> commandIn(String name, String guild, String channel, JsonObject data) throws Exception {
    return command(name, data.copy().put("guildId", guild).put("channelId", channel));
  }

  static JsonObject forbidden(HttpResponse<String> r) {
    assertEquals(403, r.statusCode(), r.body());
    JsonObject e = new JsonObject(r.body()).getJsonObject("error");
    assertEquals("FORBIDDEN", e.getString("code"), e.encode());
    return e;
  }

  @Test
  void aCommandForAChannelOutsideItsGuildIsRefusedAndNothingReachesDiscord() throws Exception {
    startNode(Map.of());
    awaitReady(200);
    JsonObject text = new JsonObject().put("content", "somewhere else");
    JsonObject reaction = new JsonObject().put("messageId", "1181471853712139001")
        .put("emoji", new JsonObject().put("name", "👍").putNull("id"));
    // Another guild's channel, a DM channel, for each command.
    for (String channel : List.of(OTHER_TEXT, DM)) {
      assertEquals("CHANNEL_NOT_IN_GUILD", forbidden(commandIn("sendMessage", GUILD, channel, text)).getString("reason"));
      assertEquals("CHANNEL_NOT_IN_GUILD", forbidden(commandIn("addReaction", GUILD, channel, reaction)).getString("reason"));
      assertEquals("CHANNEL_NOT_IN_GUILD", forbidden(commandIn("typingStart", GUILD, channel, new JsonObject()))
          .getString("reason"));
    }
    assertTrue(discord.rest.requests().stream().noneMatch(r -> r.path().contains("/channels/")),
        "a refused command reached Discord: " + discord.rest.requests());
    // A guild outside the caller's token.
    assertEquals("GUILD_NOT_ALLOWED", forbidden(commandIn("sendMessage", OTHER_GUILD, OTHER_TEXT, text)).getString("reason"));
    // The guild's own channel and thread are fine.
    assertEquals(200, commandIn("sendMessage", GUILD, TEXT, text).statusCode());
    assertEquals(200, commandIn("sendMessage", GUILD, THREAD, text).statusCode());
  }

  @Test
  void theChannelIndexFollowsChannelAndThreadChanges() throws Exception {
    startNode(Map.of());
    awaitReady(200);
    SseClient s = stream(null);
    String newThread = "1181471853712130071";
    JsonObject text = new JsonObject().put("content", "hello");
    discord.gateway.dispatch(0, "THREAD_CREATE", new JsonObject().put("id", newThread).put("guild_id", GUILD)
        .put("parent_id", TEXT).put("type", 11)).await();
    discord.gateway.dispatch(0, "CHANNEL_DELETE", new JsonObject().put("id", VOICE).put("guild_id", GUILD).put("type", 2))
        .await();
    // An event after them: once it reached the stream, so did the changes.
    discord.gateway.dispatch(0, "MESSAGE_CREATE", message("1181471853712139401", "marker")).await();
    assertNotNull(s.next("messageCreate", 10_000));
    assertEquals(200, commandIn("sendMessage", GUILD, newThread, text).statusCode());
    assertEquals("CHANNEL_NOT_IN_GUILD", forbidden(commandIn("typingStart", GUILD, VOICE, new JsonObject()))
        .getString("reason"));
    // Deleting a channel takes its threads with it.
    String another = "1181471853712130055";
    discord.gateway.dispatch(0, "CHANNEL_CREATE", new JsonObject().put("id", another).put("guild_id", GUILD).put("type", 0))
        .await();
    discord.gateway.dispatch(0, "CHANNEL_DELETE", new JsonObject().put("id", TEXT).put("guild_id", GUILD).put("type", 0))
        .await();
    // (the marker in a channel that still exists: nobody sees a deleted channel's events)
    discord.gateway.dispatch(0, "MESSAGE_CREATE", message("1181471853712139402", "marker 2").put("channel_id", another)).await();
    assertNotNull(s.next("messageCreate", 10_000));
    assertEquals("CHANNEL_NOT_IN_GUILD", forbidden(commandIn("sendMessage", GUILD, THREAD, text)).getString("reason"));
  }

  @Test
  void aResumedSessionDeliversEveryEventOnceAndALostSessionResetsStreams() throws Exception {
    startNode(Map.of());
    awaitReady(200);
    SseClient s = stream(null);
    discord.gateway.dispatch(0, "MESSAGE_CREATE", message("1181471853712139101", "before")).await();
    assertNotNull(s.next("messageCreate", 10_000));
    // Zombie: ACKs withheld; events dispatched meanwhile are replayed on resume, each reaching the stream once.
    discord.gateway.withholdAcks(true);
    for (int i = 0; i < 5; i++) {
      discord.gateway.dispatch(0, "MESSAGE_CREATE", message("11814718537121392" + (10 + i), "during-" + i)).await();
    }
    await(10_000, "a resume", () -> discord.gateway.received(6).size() >= 1);
    discord.gateway.withholdAcks(false);
    for (int i = 0; i < 5; i++) {
      SseClient.Event e = s.next("messageCreate", 10_000);
      assertNotNull(e, "event " + i);
      assertEquals("during-" + i, e.json().getJsonObject("data").getString("content"));
    }
    discord.gateway.dispatch(0, "MESSAGE_CREATE", message("1181471853712139301", "after")).await();
    assertEquals("after", s.next("messageCreate", 10_000).json().getJsonObject("data").getString("content"));
    // A session Discord will not resume: a fresh Identify, and every stream must refetch.
    discord.gateway.invalidSession(0, false).await();
    SseClient.Event reset = s.next("reset", 15_000);
    assertNotNull(reset, "a reset after op 9 false");
    await(15_000, "a second Identify", () -> discord.gateway.received(2).size() == 2);
  }

  @Test
  void disallowedIntentsStopTheShardAndHealthSaysWhy() throws Exception {
    discord.gateway.enabledPrivilegedIntents(0);
    startNode(Map.of());
    await(20_000, "a 503 naming the Message Content intent", () -> {
      try {
        HttpResponse<String> r = get("/health/ready");
        return r.statusCode() == 503 && r.body().contains("Message Content");
      } catch (Exception e) {
        return false;
      }
    });
    assertEquals(1, discord.gateway.received(2).size(), "no second Identify after 4014");
  }

  @Test
  void aRefusedBotTokenIsReportedByHealthWithoutTheToken() throws Exception {
    String wrong = "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.a-revoked-token-value";
    startNode(Map.of("DISCORD_BOT_TOKEN", wrong));
    await(20_000, "a 503 saying the token was refused", () -> {
      try {
        HttpResponse<String> r = get("/health/ready");
        return r.statusCode() == 503 && r.body().contains("Discord refused the bot token") && !r.body().contains(wrong);
      } catch (Exception e) {
        return false;
      }
    });
    assertEquals(0, discord.gateway.received(2).size(), "no Identify with a refused token");
  }

  @Test
  void withoutTheMessageContentIntentTheShardConnects() throws Exception {
    discord.gateway.enabledPrivilegedIntents(0);
    startNode(Map.of("DISCORD_MESSAGE_CONTENT", "false"));
    awaitReady(200);
    JsonObject identify = (JsonObject) discord.gateway.received(2).get(0).d();
    assertEquals(0, identify.getInteger("intents") & (1 << 15));
    assertFalse(identify.encode().isEmpty());
  }
}
