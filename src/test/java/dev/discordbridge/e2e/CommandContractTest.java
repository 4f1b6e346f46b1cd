package dev.discordbridge.e2e;

import dev.discordbridge.sim.TestHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.LinkFrames;
import dev.discordbridge.sim.Roster;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Every row of CONTRACT section 3 through a whole node: the real edge, dispatcher, rate limiter,
 * gateway and simulated hub, over real HTTP. Each test uses its own user and channel ids, so the
 * buckets of one test never touch another's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandContractTest {
  static final String GUILD = Roster.NIGHT_OWLS;
  static final String OTHER_GUILD = Roster.VERTX_BUILDERS;
  static final long ACK_WAIT_MS = 1_500;
  Node node;

  @BeforeAll
  void start() {
    node = E2e.start(new JsonObject()
        .put("RATE_LIMIT_USER", "3/60s").put("RATE_LIMIT_CHANNEL", "5/60s")
        .put("COMMAND_ACK_WAIT_MS", String.valueOf(ACK_WAIT_MS)).put("COMMAND_ATTEMPT_TIMEOUT_MS", "2500")
        .put("COMMAND_BACKOFF_BASE_MS", "50").put("COMMAND_BACKOFF_MAX_MS", "200"));
    E2e.awaitReady(node, 200);
  }

  @AfterAll
  void stop() {
    node.stop().await();
  }

  @AfterEach
  void defaultHub() {
    ((TestHub) node.simulatedHub()).onCommand(null);
    E2e.linkUp(node);
  }

  static String snowflake() {
    return "12" + String.format("%017d", ThreadLocalRandom.current().nextLong(100_000_000_000_000_000L));
  }

  String token(String user) {
    return E2e.token(node, user, List.of(GUILD));
  }

  static JsonObject message(String channel, String content) {
    return new JsonObject().put("guildId", GUILD).put("channelId", channel).put("content", content);
  }

  /** Asserts the status, the error code (null: a success body) and X-Trace-Id. */
  static JsonObject expect(E2e.Response r, int status, String code) {
    assertEquals(status, r.status(), r.body());
    assertTrue(Ids.isTraceId(r.header("X-Trace-Id")), "X-Trace-Id on every response: " + r.headers().map());
    if (code != null) {
      assertNotNull(r.error(), "an error body: " + r.body());
      assertEquals(code, r.error().getString("code"), r.body());
    }
    return r.json();
  }

  /** Contents of every command the hub received. */
  List<String> contentsAtHub() {
    return ((TestHub) node.simulatedHub()).received().stream().filter(f -> "command".equals(f.getString("type")))
        .map(f -> f.getJsonObject("command").getJsonObject("data").getString("content"))
        .filter(java.util.Objects::nonNull).toList();
  }

  @Test
  void theHubSeesTheSendersDisplayNameInActor() {
    String user = snowflake();
    String named = new dev.discordbridge.auth.Authenticator(node.vertx(), node.config().auth()).mint(user, List.of(GUILD), 600,
        dev.discordbridge.auth.Profile.claims("ana", "Ana B.", null));
    JsonObject body = expect(E2e.command(node, "sendMessage", named, message(snowflake(), "who am I")), 200, null);
    JsonObject actor = ((TestHub) node.simulatedHub()).received().stream().filter(f -> "command".equals(f.getString("type")))
        .map(f -> f.getJsonObject("command")).filter(c -> body.getString("commandId").equals(c.getString("id")))
        .findFirst().orElseThrow().getJsonObject("actor");
    assertEquals(user, actor.getString("userId"));
    assertEquals("Ana B.", actor.getString("displayName"), actor.encode());
    // A token without profile claims: the actor is the user id alone.
    JsonObject plain = expect(E2e.command(node, "sendMessage", token(user), message(snowflake(), "anonymous")), 200, null);
    JsonObject bare = ((TestHub) node.simulatedHub()).received().stream().filter(f -> "command".equals(f.getString("type")))
        .map(f -> f.getJsonObject("command")).filter(c -> plain.getString("commandId").equals(c.getString("id")))
        .findFirst().orElseThrow().getJsonObject("actor");
    assertEquals(new JsonObject().put("userId", user), bare);
  }

  @Test
  void deliveredIs200WithTheHubsResult() {
    String user = snowflake();
    JsonObject body = expect(E2e.command(node, "sendMessage", token(user), message(snowflake(), "two hundred")), 200, null);
    assertEquals(Set.of("commandId", "status", "result"), body.fieldNames());
    assertEquals("delivered", body.getString("status"));
    assertTrue(Ids.isSnowflake(body.getJsonObject("result").getString("messageId")), body.encode());
    assertTrue(E2e.commandIdsAtHub(node).contains(body.getString("commandId")));

    JsonObject typing = expect(E2e.command(node, "typingStart", token(user),
        new JsonObject().put("guildId", GUILD).put("channelId", snowflake())), 200, null);
    assertEquals("delivered", typing.getString("status"));
  }

  @Test
  void ackPastTheWaitIs202ThenDeliveredOnTheStream() throws Exception {
    String user = snowflake();
    String token = token(user);
    try (SseClient stream = SseClient.open(E2e.base(node), "/api/stream", token, null)) {
      E2e.nonNull(stream.next("ready", 5_000), "ready");
      ((TestHub) node.simulatedHub()).onCommand(c -> null); // the hub takes the command and says nothing
      long started = System.currentTimeMillis();
      JsonObject body = expect(E2e.command(node, "sendMessage", token, message(snowflake(), "slow hub")), 202, null);
      long took = System.currentTimeMillis() - started;
      assertEquals(Set.of("commandId", "status"), body.fieldNames());
      assertEquals("queued", body.getString("status"));
      assertTrue(took >= ACK_WAIT_MS - 50, "answered after the ack wait, took " + took + " ms");
      String commandId = body.getString("commandId");
      assertTrue(E2e.commandIdsAtHub(node).contains(commandId), "the command was written to the hub");

      ((TestHub) node.simulatedHub()).onCommand(null); // the retry (same id) is acked
      List<String> statuses = new ArrayList<>();
      while (!statuses.contains("delivered")) {
        SseClient.Event e = E2e.nonNull(stream.next("commandStatus", 15_000), "commandStatus up to delivered: " + statuses);
        JsonObject s = e.json();
        assertEquals(commandId, s.getString("commandId"));
        assertNull(e.id(), "command statuses are live only (no id)");
        statuses.add(s.getString("status"));
      }
      assertEquals("queued", statuses.get(0), statuses.toString());
      assertTrue(statuses.contains("retrying"), statuses.toString());
      assertEquals(Set.of(commandId), Set.copyOf(E2e.commandIdsAtHub(node).stream().filter(commandId::equals).toList()));
    }
  }

  @Test
  void invalidBodyIs400WithFields() {
    JsonObject body = expect(E2e.command(node, "sendMessage", token(snowflake()),
        new JsonObject().put("guildId", GUILD).put("channelId", "12").put("conent", "typo")), 400, "VALIDATION_FAILED");
    Set<String> fields = body.getJsonObject("error").getJsonArray("fields").stream()
        .map(f -> ((JsonObject) f).getString("field")).collect(Collectors.toSet());
    assertEquals(Set.of("content", "channelId", "conent"), fields);
    body.getJsonObject("error").getJsonArray("fields")
        .forEach(f -> assertFalse(((JsonObject) f).getString("message").isBlank()));

    JsonObject key = expect(E2e.command(node, "sendMessage", token(snowflake()), message(snowflake(), "hi"),
        "Idempotency-Key", "x".repeat(201)), 400, "VALIDATION_FAILED");
    assertEquals("Idempotency-Key", key.getJsonObject("error").getJsonArray("fields").getJsonObject(0).getString("field"));
  }

  @Test
  void missingOrBadCredentialsAre401() {
    expect(E2e.post(node, "/api/commands/sendMessage", message(snowflake(), "anon").encode()), 401, "UNAUTHENTICATED");
    expect(E2e.post(node, "/api/commands/sendMessage", message(snowflake(), "bad").encode(),
        "Authorization", "Bearer not.a.jwt"), 401, "UNAUTHENTICATED");
    var foreignSigner = new Authenticator(node.vertx(), new BridgeConfig.Auth(
        "another-secret-0123456789abcdef-0123456789", null, "HS256", false, true));
    String forged = foreignSigner.mint(snowflake(), List.of(GUILD), 600);
    expect(E2e.command(node, "sendMessage", forged, message(snowflake(), "forged")), 401, "UNAUTHENTICATED");
    assertFalse(contentsAtHub().stream().anyMatch(c -> Set.of("anon", "bad", "forged").contains(c)));
  }

  @Test
  void foreignGuildAndCrossSiteCookieAre403() {
    String user = snowflake();
    expect(E2e.command(node, "sendMessage", token(user),
        new JsonObject().put("guildId", OTHER_GUILD).put("channelId", snowflake()).put("content", "elsewhere")), 403, "FORBIDDEN");

    String cookie = Authenticator.COOKIE + "=" + token(user);
    String channel = snowflake();
    expect(E2e.post(node, "/api/commands/sendMessage", message(channel, "cross-site").encode(),
        "Cookie", cookie, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"), 403, "FORBIDDEN");
    expect(E2e.post(node, "/api/commands/sendMessage", message(channel, "cross-origin").encode(),
        "Cookie", cookie, "Origin", "https://evil.example"), 403, "FORBIDDEN");
    // The same cookie from the page's own origin is accepted.
    expect(E2e.post(node, "/api/commands/sendMessage", message(channel, "same-site").encode(),
        "Cookie", cookie, "Origin", E2e.base(node), "Sec-Fetch-Site", "same-origin"), 200, null);
    List<String> atHub = contentsAtHub();
    assertTrue(atHub.contains("same-site"));
    assertFalse(atHub.contains("elsewhere") || atHub.contains("cross-site") || atHub.contains("cross-origin"), atHub.toString());
  }

  @Test
  void unknownCommandIs404() {
    expect(E2e.command(node, "deleteChannel", token(snowflake()), message(snowflake(), "x")), 404, "UNKNOWN_COMMAND");
  }

  @Test
  void tooLargeIs413AndNotJsonIs415() {
    String token = token(snowflake());
    JsonObject huge = expect(E2e.command(node, "sendMessage", token, message(snowflake(), "x".repeat(20_000))), 413, null);
    assertNotNull(huge.getJsonObject("error").getString("code"));
    expect(E2e.post(node, "/api/commands/sendMessage", "content=hi", "Authorization", "Bearer " + token,
        "Content-Type", "text/plain"), 415, null);
    expect(E2e.post(node, "/api/commands/sendMessage", "{\"guildId\": ", "Authorization", "Bearer " + token), 415, null);
    assertFalse(contentsAtHub().stream().anyMatch(c -> c.length() == 20_000));
  }

  @Test
  void emptyUserBucketIs429ScopeUser() {
    String user = snowflake();
    String token = token(user);
    for (int i = 0; i < 3; i++) {
      expect(E2e.command(node, "sendMessage", token, message(snowflake(), "user burst " + i)), 200, null);
    }
    E2e.Response r = E2e.command(node, "sendMessage", token, message(snowflake(), "one too many"));
    JsonObject error = expect(r, 429, "RATE_LIMITED").getJsonObject("error");
    assertEquals("user", error.getString("scope"));
    assertRetryAfter(r, error);
    assertFalse(contentsAtHub().contains("one too many"));
  }

  @Test
  void emptyChannelBucketIs429ScopeChannel() {
    String channel = snowflake();
    for (int i = 0; i < 5; i++) {
      expect(E2e.command(node, "sendMessage", token(snowflake()), message(channel, "channel burst " + i)), 200, null);
    }
    E2e.Response r = E2e.command(node, "sendMessage", token(snowflake()), message(channel, "channel full"));
    JsonObject error = expect(r, 429, "RATE_LIMITED").getJsonObject("error");
    assertEquals("channel", error.getString("scope"));
    assertRetryAfter(r, error);
    assertFalse(contentsAtHub().contains("channel full"));
  }

  static void assertRetryAfter(E2e.Response r, JsonObject error) {
    long retryAfterMs = error.getLong("retryAfterMs");
    assertTrue(retryAfterMs > 0, error.encode());
    assertEquals(String.valueOf(Math.max(1, (retryAfterMs + 999) / 1000)), r.header("Retry-After"),
        "Retry-After is the wait in whole seconds, rounded up");
  }

  @Test
  void hubRefusalIs502() {
    ((TestHub) node.simulatedHub()).onCommand(c -> LinkFrames.ackError(c.getString("id"), "MISSING_PERMISSIONS",
        "the bot may not post here", false, null));
    JsonObject error = expect(E2e.command(node, "sendMessage", token(snowflake()), message(snowflake(), "refused")),
        502, "UPSTREAM_REJECTED").getJsonObject("error");
    assertEquals("MISSING_PERMISSIONS", error.getString("upstreamCode"));
    String commandId = error.getString("commandId");
    assertEquals(1, E2e.commandIdsAtHub(node).stream().filter(commandId::equals).count(), "refused once, not retried");
  }

  @Test
  void idempotencyKeyReplaysTheFirstAnswerAndSendsOnce() {
    String user = snowflake();
    String channel = snowflake();
    String key = "e2e-" + Ids.newTraceId();
    E2e.Response first = E2e.command(node, "sendMessage", token(user), message(channel, "only once"), "Idempotency-Key", key);
    JsonObject answer = expect(first, 200, null);
    E2e.Response again = E2e.command(node, "sendMessage", token(user), message(channel, "a different body"),
        "Idempotency-Key", key);
    assertEquals(answer, expect(again, 200, null), "the first answer, whatever the body of the repeat");
    assertEquals("true", again.header("Idempotent-Replayed"));
    String commandId = answer.getString("commandId");
    assertEquals(1, E2e.commandIdsAtHub(node).stream().filter(commandId::equals).count(), "the hub saw one command");
    assertFalse(contentsAtHub().contains("a different body"));

    // The key is the user's: another user with the same key sends their own command.
    JsonObject other = expect(E2e.command(node, "sendMessage", token(snowflake()), message(channel, "someone else"),
        "Idempotency-Key", key), 200, null);
    assertFalse(commandId.equals(other.getString("commandId")));
  }

  @Test
  void idempotentReplayWhileQueuedIs202ThenTheFinalAnswer() {
    String user = snowflake();
    String key = "e2e-queued-" + Ids.newTraceId();
    E2e.linkDown(node);
    JsonObject first = expect(E2e.command(node, "sendMessage", token(user), message(snowflake(), "queued once"),
        "Idempotency-Key", key), 202, null);
    String commandId = first.getString("commandId");
    E2e.Response inFlight = E2e.command(node, "sendMessage", token(user), message(snowflake(), "queued twice"),
        "Idempotency-Key", key);
    assertEquals(first, expect(inFlight, 202, null), "202 with the same command id while it is in flight");
    assertEquals("true", inFlight.header("Idempotent-Replayed"));

    E2e.linkUp(node);
    E2e.await(10_000, "the queued command reaches the hub", () -> E2e.commandIdsAtHub(node).contains(commandId));
    E2e.await(10_000, "the stored answer becomes the final one", () -> E2e.command(node, "sendMessage", token(user),
        message(snowflake(), "queued thrice"), "Idempotency-Key", key).status() == 200);
    JsonObject last = expect(E2e.command(node, "sendMessage", token(user), message(snowflake(), "queued again"),
        "Idempotency-Key", key), 200, null);
    assertEquals(commandId, last.getString("commandId"));
    assertEquals("delivered", last.getString("status"));
    assertEquals(1, E2e.commandIdsAtHub(node).stream().filter(commandId::equals).count(), "sent once");
    assertFalse(contentsAtHub().stream().anyMatch(c -> c.startsWith("queued ") && !"queued once".equals(c)));
  }

  @Test
  void fullQueueIs503WithRetryAfterAndRefusedCommandsNeverReachTheHub() {
    Node small = E2e.start(new JsonObject().put("COMMAND_QUEUE_CAPACITY", "2").put("COMMAND_ACK_WAIT_MS", "1000"));
    try {
      E2e.awaitReady(small, 200);
      E2e.linkDown(small);
      String channel = snowflake();
      List<String> accepted = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        JsonObject body = expect(E2e.command(small, "sendMessage", E2e.token(small, snowflake(), List.of(GUILD)),
            message(channel, "queued " + i)), 202, null);
        assertEquals("queued", body.getString("status"));
        accepted.add(body.getString("commandId"));
      }
      E2e.Response full = E2e.command(small, "sendMessage", E2e.token(small, snowflake(), List.of(GUILD)),
          message(channel, "no room"));
      JsonObject error = expect(full, 503, "QUEUE_SATURATED").getJsonObject("error");
      assertNotNull(full.header("Retry-After"), "Retry-After on 503");
      assertTrue(Long.parseLong(full.header("Retry-After")) >= 1);
      assertTrue(error.getLong("retryAfterMs") > 0, error.encode());

      E2e.linkUp(small);
      E2e.await(15_000, "both queued commands reach the hub", () -> E2e.commandIdsAtHub(small).containsAll(accepted));
      List<String> contents = ((TestHub) small.simulatedHub()).received().stream().filter(f -> "command".equals(f.getString("type")))
          .map(f -> f.getJsonObject("command").getJsonObject("data").getString("content")).toList();
      assertFalse(contents.contains("no room"), contents.toString());
    } finally {
      small.stop().await();
    }
  }
}
