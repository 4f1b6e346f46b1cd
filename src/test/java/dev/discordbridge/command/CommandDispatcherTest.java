package dev.discordbridge.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusCodecs;
import dev.discordbridge.bus.CommandOutcome;
import dev.discordbridge.bus.CommandRequest;
import dev.discordbridge.bus.CommandStatus;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.edge.CommandAnswers;
import dev.discordbridge.bus.RateLimits;
import dev.discordbridge.ratelimit.RateLimiter;
import dev.discordbridge.ratelimit.RateLimiterVerticle;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dispatcher and the rate limiter on a real event bus, with a scripted fake link holder:
 * every status of contract section 3 the dispatcher decides, the frames the hub receives,
 * queueing while the link is down, retries, idempotency and the breaker.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class CommandDispatcherTest {
  private static final String GUILD = "112233445566778899";
  private static final String CHANNEL = "223344556677889900";
  private static final String USER = "334455667788990011";

  private final Recorder<JsonObject> statuses = new Recorder<>();
  private FakeGateway gateway;

  // ---- set-up helpers ----

  private static BridgeConfig config(Map<String, Object> overrides) {
    var raw = new JsonObject().put("COMMAND_ACK_WAIT_MS", 1_500).put("COMMAND_ATTEMPT_TIMEOUT_MS", 200)
        .put("COMMAND_BACKOFF_BASE_MS", 5).put("COMMAND_BACKOFF_MAX_MS", 20).put("COMMAND_MAX_ATTEMPTS", 3)
        .put("RATE_LIMIT_USER", "1000/1s").put("RATE_LIMIT_CHANNEL", "1000/1s");
    overrides.forEach(raw::put);
    return BridgeConfig.parse(raw);
  }

  private void deploy(Vertx vertx, Map<String, Object> overrides) {
    deploy(vertx, overrides, 1, new CircuitBreakerOptions(HubAttempts.defaultBreaker()));
  }

  private void deploy(Vertx vertx, Map<String, Object> overrides, int instances, CircuitBreakerOptions breaker) {
    deploy(vertx, overrides, instances, breaker, null);
  }

  /** {@code instances}: of the rate limiter role (the dispatcher is one per node). */
  private void deploy(Vertx vertx, Map<String, Object> overrides, int instances, CircuitBreakerOptions breaker,
                      CommandJournal journal) {
    deploy(vertx, overrides, instances, breaker, journal, null);
  }

  /** {@code rateLimits}: null for the node's {@link RateLimiter}. */
  private void deploy(Vertx vertx, Map<String, Object> overrides, int instances, CircuitBreakerOptions breaker,
                      CommandJournal journal, RateLimits rateLimits) {
    BridgeConfig config = config(overrides);
    BusCodecs.register(vertx.eventBus());
    gateway = new FakeGateway();
    vertx.eventBus().<CommandStatus>consumer(Addresses.COMMAND_STATUS, m -> statuses.add(m.body().toJson()));
    var limiter = RateLimiter.local(config);
    await(vertx.deployVerticle(gateway)
        .compose(id -> vertx.deployVerticle(() -> new RateLimiterVerticle(limiter), new DeploymentOptions().setInstances(instances)))
        .compose(id -> vertx.deployVerticle(new CommandDispatcherVerticle(config, rateLimits == null ? limiter : rateLimits,
            null, breaker, journal))));
  }

  private static CommandRequest envelope(String name, JsonObject body, String userId, String traceId, JsonObject headers) {
    String key = headers.fieldNames().stream().filter("idempotency-key"::equalsIgnoreCase).findFirst()
        .map(headers::getString).orElse(null);
    return new CommandRequest(traceId, name, userId, List.of(GUILD), "header", body, key, null);
  }

  private static JsonObject message(String content) {
    return new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL).put("content", content);
  }

  private static JsonObject submit(Vertx vertx, String name, JsonObject body) {
    return submit(vertx, envelope(name, body, USER, Ids.newTraceId(), new JsonObject()));
  }

  /** The outcome as the edge answers it over HTTP: {@code {status, headers, body}}. */
  private static JsonObject submit(Vertx vertx, CommandRequest envelope) {
    CommandOutcome outcome = await(vertx.eventBus().<CommandOutcome>request(Addresses.COMMAND_SUBMIT, envelope)).body();
    var http = CommandAnswers.of(outcome);
    return new JsonObject().put("status", http.status()).put("headers", new JsonObject(new HashMap<String, Object>(http.headers())))
        .put("body", http.body());
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("did not complete: " + e, e);
    }
  }

  private static JsonObject error(JsonObject reply) {
    return reply.getJsonObject("body").getJsonObject("error");
  }

  private List<JsonObject> statusesOf(String commandId, String status) {
    return await(statuses.when(l -> l.stream().anyMatch(s -> commandId.equals(s.getString("commandId"))
        && status.equals(s.getString("status"))))).stream().filter(s -> commandId.equals(s.getString("commandId"))).toList();
  }

  // ---- 200, frames, lifecycle ----

  @Test
  void deliveredWithinTheWaitIs200AndTheHubGetsTheContractFrame(Vertx vertx) {
    deploy(vertx, Map.of());
    String traceId = Ids.newTraceId();
    var reply = submit(vertx, envelope("sendMessage", message("hello\u0007 world").put("replyTo", "445566778899001122"),
        USER, traceId, new JsonObject()));

    assertEquals(200, reply.getInteger("status"));
    JsonObject body = reply.getJsonObject("body");
    assertEquals("delivered", body.getString("status"));
    assertEquals("998877665544332211", body.getJsonObject("result").getString("messageId"));
    String id = body.getString("commandId");
    assertTrue(id.startsWith("cmd_"));

    JsonObject frame = gateway.frames.all().get(0);
    assertEquals(id, frame.getString("id"));
    assertEquals("sendMessage", frame.getString("name"));
    assertEquals(GUILD, frame.getString("guildId"));
    assertEquals(CHANNEL, frame.getString("channelId"));
    assertEquals(USER, frame.getJsonObject("actor").getString("userId"));
    assertEquals(new JsonObject().put("content", "hello world").put("replyTo", "445566778899001122"), frame.getJsonObject("data"));
    assertEquals(traceId, frame.getJsonObject("trace").getString("traceId"));
    assertNotNull(frame.getJsonObject("trace").getString("requestedAt"));

    var lifecycle = statusesOf(id, "delivered").stream().map(s -> s.getString("status")).toList();
    assertEquals(List.of("queued", "sent", "delivered"), lifecycle);
    assertEquals(traceId, statusesOf(id, "delivered").get(0).getString("traceId"));
  }

  @Test
  void reactionAndTypingFramesCarryTheirData(Vertx vertx) {
    deploy(vertx, Map.of());
    var reaction = submit(vertx, "addReaction", new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL)
        .put("messageId", "556677889900112233").put("emoji", new JsonObject().put("name", "👍")));
    assertEquals(200, reaction.getInteger("status"));
    assertEquals(200, submit(vertx, "typingStart", new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL)).getInteger("status"));
    var frames = gateway.frames.all();
    assertEquals(new JsonObject().put("messageId", "556677889900112233").put("emoji", new JsonObject().put("name", "👍").putNull("id")),
        frames.get(0).getJsonObject("data"));
    assertEquals("typingStart", frames.get(1).getString("name"));
    assertEquals(new JsonObject(), frames.get(1).getJsonObject("data"));
  }

  // ---- refusals before the queue ----

  @Test
  void invalidBodyIs400WithFields(Vertx vertx) {
    deploy(vertx, Map.of());
    var reply = submit(vertx, "sendMessage", new JsonObject().put("guildId", GUILD).put("channelId", "12").put("content", "   "));
    assertEquals(400, reply.getInteger("status"));
    assertEquals("VALIDATION_FAILED", error(reply).getString("code"));
    assertEquals(new JsonArray().add(new JsonObject().put("field", "channelId")
        .put("message", "must be a Discord id: a string of 17 to 20 digits")), error(reply).getJsonArray("fields"));

    var blank = submit(vertx, "sendMessage", message(" \n "));
    assertEquals(new JsonArray().add(new JsonObject().put("field", "content")
        .put("message", "must contain something other than white space")), error(blank).getJsonArray("fields"));

    var badKey = submit(vertx, envelope("typingStart", new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL), USER,
        Ids.newTraceId(), new JsonObject().put("idempotency-key", "x".repeat(201))));
    assertEquals(400, badKey.getInteger("status"));
    assertEquals("Idempotency-Key", error(badKey).getJsonArray("fields").getJsonObject(0).getString("field"));
    assertEquals(0, gateway.frames.all().size());
  }

  @Test
  void guildOutsideTheCallersGuildsIs403(Vertx vertx) {
    deploy(vertx, Map.of());
    var reply = submit(vertx, "typingStart", new JsonObject().put("guildId", "999999999999999999").put("channelId", CHANNEL));
    assertEquals(403, reply.getInteger("status"));
    assertEquals("FORBIDDEN", error(reply).getString("code"));
    assertEquals("GUILD_NOT_ALLOWED", error(reply).getString("reason"), "contract section 9: the refusal's reason");
    assertEquals(0, gateway.frames.all().size());
  }

  @Test
  void aChannelOutsideTheTokensChannelsClaimIs403MissingViewChannelAndNothingIsSent(Vertx vertx) {
    deploy(vertx, Map.of());
    String elsewhere = "334455667788990099";
    var narrowed = new CommandRequest(Ids.newTraceId(), "sendMessage", USER, List.of(GUILD), List.of(elsewhere), "header",
        message("hi"), null, null);
    var reply = submit(vertx, narrowed);
    assertEquals(403, reply.getInteger("status"));
    assertEquals("FORBIDDEN", error(reply).getString("code"));
    assertEquals("MISSING_PERMISSION", error(reply).getString("reason"));
    assertEquals("VIEW_CHANNEL", error(reply).getString("permission"));
    assertEquals(0, gateway.frames.all().size());
    var allowed = new CommandRequest(Ids.newTraceId(), "sendMessage", USER, List.of(GUILD), List.of(CHANNEL), "header",
        message("hi"), null, null);
    assertEquals(200, submit(vertx, allowed).getInteger("status"));
  }

  @Test
  void unknownCommandIs404(Vertx vertx) {
    deploy(vertx, Map.of());
    var reply = submit(vertx, "deleteGuild", new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL));
    assertEquals(404, reply.getInteger("status"));
    assertEquals("UNKNOWN_COMMAND", error(reply).getString("code"));
  }

  @Test
  void emptyUserBucketIs429WithUserScopeAndRetryAfter(Vertx vertx) {
    deploy(vertx, Map.of("RATE_LIMIT_USER", "2/60s"));
    assertEquals(200, submit(vertx, "sendMessage", message("1")).getInteger("status"));
    assertEquals(200, submit(vertx, "sendMessage", message("2")).getInteger("status"));
    var reply = submit(vertx, "sendMessage", message("3"));
    assertEquals(429, reply.getInteger("status"));
    assertEquals("RATE_LIMITED", error(reply).getString("code"));
    assertEquals("user", error(reply).getString("scope"));
    long wait = error(reply).getLong("retryAfterMs");
    assertTrue(wait > 29_000 && wait <= 30_000, "one token every 30 s: " + wait);
    assertEquals("30", reply.getJsonObject("headers").getString("Retry-After"));
    assertEquals(2, gateway.frames.all().size());
  }

  @Test
  void emptyChannelBucketIs429WithChannelScope(Vertx vertx) {
    deploy(vertx, Map.of("RATE_LIMIT_CHANNEL", "2/5s"));
    for (String user : List.of("100000000000000001", "100000000000000002")) {
      var ok = submit(vertx, envelope("typingStart", new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL), user,
          Ids.newTraceId(), new JsonObject()));
      assertEquals(200, ok.getInteger("status"));
    }
    var reply = submit(vertx, envelope("typingStart", new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL),
        "100000000000000003", Ids.newTraceId(), new JsonObject()));
    assertEquals(429, reply.getInteger("status"));
    assertEquals("channel", error(reply).getString("scope"));
    assertTrue(error(reply).getLong("retryAfterMs") <= 2_500);
    assertEquals("3", reply.getJsonObject("headers").getString("Retry-After"));
  }

  // ---- hub answers ----

  @Test
  void hubRefusalIs502WithTheHubsCode(Vertx vertx) {
    deploy(vertx, Map.of());
    gateway.otherwise(FakeGateway.reject("MISSING_PERMISSIONS"));
    var reply = submit(vertx, "sendMessage", message("no"));
    assertEquals(502, reply.getInteger("status"));
    assertEquals("UPSTREAM_REJECTED", error(reply).getString("code"));
    assertEquals("MISSING_PERMISSIONS", error(reply).getString("upstreamCode"));
    assertEquals(1, gateway.frames.all().size(), "a refusal is final: no retry");
    assertEquals("rejected", statusesOf(error(reply).getString("commandId"), "rejected").get(2).getString("status"));
  }

  @Test
  void retryableErrorsAndTimeoutsAreRetriedWithTheSameId(Vertx vertx) {
    deploy(vertx, Map.of());
    gateway.then(FakeGateway.retryable(0)).then(FakeGateway.silent()).then(FakeGateway.ok());
    var reply = submit(vertx, "sendMessage", message("again"));
    assertEquals(200, reply.getInteger("status"));
    String id = reply.getJsonObject("body").getString("commandId");
    var frames = gateway.frames.all();
    assertEquals(3, frames.size());
    frames.forEach(f -> assertEquals(id, f.getString("id")));
    var seen = statusesOf(id, "delivered").stream().map(s -> s.getString("status") + s.getInteger("attempt")).toList();
    assertEquals(List.of("queued0", "sent1", "retrying1", "sent2", "retrying2", "sent3", "delivered3"), seen);
  }

  @Test
  void hubRetryAfterIsHonoured(Vertx vertx) {
    deploy(vertx, Map.of());
    gateway.then(FakeGateway.retryable(300)).then(FakeGateway.ok());
    long start = System.nanoTime();
    var reply = submit(vertx, "sendMessage", message("later"));
    assertEquals(200, reply.getInteger("status"));
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "waited as long as the hub asked");
  }

  @Test
  void lastFailedAttemptIs502RetriesExhausted(Vertx vertx) {
    deploy(vertx, Map.of());
    gateway.otherwise(FakeGateway.retryable(0));
    var reply = submit(vertx, "sendMessage", message("never"));
    assertEquals(502, reply.getInteger("status"));
    assertEquals("UPSTREAM_REJECTED", error(reply).getString("code"));
    assertEquals("retries_exhausted", error(reply).getString("reason"));
    assertEquals("HUB_BUSY", error(reply).getString("upstreamCode"));
    assertEquals(3, gateway.frames.all().size(), "COMMAND_MAX_ATTEMPTS=3");
    assertEquals(1, statusesOf(error(reply).getString("commandId"), "failed").stream()
        .filter(s -> "failed".equals(s.getString("status"))).count());
  }

  @Test
  void ackAfterTheWaitIs202AndTheCommandGoesOn(Vertx vertx) {
    deploy(vertx, Map.of("COMMAND_ACK_WAIT_MS", 100, "COMMAND_ATTEMPT_TIMEOUT_MS", 2_000));
    gateway.then(m -> vertx.setTimer(400, t -> FakeGateway.ok().accept(m)));
    var reply = submit(vertx, "sendMessage", message("slow"));
    assertEquals(202, reply.getInteger("status"));
    String id = reply.getJsonObject("body").getString("commandId");
    assertEquals(new JsonObject().put("commandId", id).put("status", "queued"), reply.getJsonObject("body"));
    statusesOf(id, "delivered");
    assertEquals(1, gateway.frames.all().size());
  }

  // ---- link down: queue, drain, saturation ----

  @Test
  void whileTheLinkIsDownCommandsWaitThenDrainInOrderOnce(Vertx vertx) {
    deploy(vertx, Map.of(), 2, new CircuitBreakerOptions(HubAttempts.defaultBreaker()));
    gateway.link(false);
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      var reply = submit(vertx, "sendMessage", message("m" + i));
      assertEquals(202, reply.getInteger("status"), "link down: queued at once");
      ids.add(reply.getJsonObject("body").getString("commandId"));
    }
    assertEquals(0, gateway.frames.all().size());
    gateway.link(true);
    ids.forEach(id -> statusesOf(id, "delivered"));
    var frames = gateway.frames.all();
    assertEquals(List.of("m1", "m2", "m3", "m4"), frames.stream().map(f -> f.getJsonObject("data").getString("content")).toList());
    assertEquals(ids, frames.stream().map(f -> f.getString("id")).toList(), "in acceptance order, each once");
    assertEquals(0, gateway.framesWhileDown);
  }

  @Test
  void aChannelWaitingForItsCommandHoldsUpNoOtherChannelAndKeepsItsOwnOrder(Vertx vertx) {
    deploy(vertx, Map.of("COMMAND_ACK_WAIT_MS", 50, "COMMAND_ATTEMPT_TIMEOUT_MS", 5_000));
    String slow = "223344556677889901";
    // The first command (channel "slow") is acked only after 1.5 s, as when Discord's bucket for
    // that channel is empty; before lanes, every later command of every channel waited behind it.
    gateway.then(m -> vertx.setTimer(1_500, t -> FakeGateway.ok().accept(m)));
    var first = submit(vertx, "sendMessage", message("slow-1").put("channelId", slow));
    var second = submit(vertx, "sendMessage", message("slow-2").put("channelId", slow));
    long before = System.currentTimeMillis();
    var other = submit(vertx, "sendMessage", message("other"));
    String otherId = other.getJsonObject("body").getString("commandId");
    statusesOf(otherId, "delivered");
    long otherTook = System.currentTimeMillis() - before;
    assertTrue(otherTook < 1_000, "another channel's command went meanwhile, in " + otherTook + " ms");
    statusesOf(second.getJsonObject("body").getString("commandId"), "delivered");
    List<String> order = gateway.frames.all().stream().map(f -> f.getJsonObject("data").getString("content")).toList();
    assertEquals(List.of("slow-1", "other", "slow-2"), order, "a channel's commands in order, one at a time");
    assertEquals(202, first.getInteger("status"));
  }

  @Test
  void atMostMaxInFlightChannelsAtOnce(Vertx vertx) {
    deploy(vertx, Map.of("COMMAND_ACK_WAIT_MS", 20, "COMMAND_ATTEMPT_TIMEOUT_MS", 5_000, "COMMAND_MAX_IN_FLIGHT", 2));
    List<io.vertx.core.eventbus.Message<dev.discordbridge.contract.GatewayCommand>> held = new java.util.concurrent.CopyOnWriteArrayList<>();
    gateway.otherwise(held::add);
    for (int i = 0; i < 4; i++) {
      submit(vertx, "sendMessage", message("c" + i).put("channelId", "22334455667788990" + i));
    }
    await(gateway.frames.when(l -> l.size() >= 2));
    assertEquals(2, gateway.frames.all().size(), "two channels at once, the others wait");
    gateway.otherwise(FakeGateway.ok());
    held.forEach(FakeGateway.ok());
    await(gateway.frames.when(l -> l.size() == 4));
  }

  @Test
  void aCommandTheJournalCannotKeepIsRefusedNotPromised(Vertx vertx) {
    CommandJournal local = CommandJournal.local();
    CommandJournal failing = new CommandJournal() {
      @Override
      public Future<Void> record(GatewayCommand command) {
        return Future.failedFuture(new java.io.IOException("No space left on device"));
      }

      @Override
      public void forget(String commandId) {
      }

      @Override
      public Future<List<CommandJournal.Kept>> adoptOrphans() {
        return local.adoptOrphans();
      }

      @Override
      public String keptIn() {
        return "a full disk";
      }
    };
    deploy(vertx, Map.of(), 1, new CircuitBreakerOptions(HubAttempts.defaultBreaker()), failing);
    gateway.link(false);
    var reply = submit(vertx, "sendMessage", message("not kept"));
    assertEquals(503, reply.getInteger("status"), "a 202 would promise what the journal could not keep");
    assertEquals("SERVICE_UNAVAILABLE", reply.getJsonObject("body").getJsonObject("error").getString("code"));
    assertNotNull(reply.getJsonObject("headers").getString("Retry-After"));
    gateway.link(true);
    var delivered = submit(vertx, "sendMessage", message("kept in memory while in flight"));
    assertEquals(200, delivered.getInteger("status"), "a command already in flight is still delivered");
    assertEquals(List.of("kept in memory while in flight"),
        gateway.frames.all().stream().map(f -> f.getJsonObject("data").getString("content")).toList(),
        "the refused command is never sent");
  }

  @Test
  void linkDownReplyHoldsTheCommandUntilTheLinkIsBack(Vertx vertx) {
    deploy(vertx, Map.of("COMMAND_ACK_WAIT_MS", 100));
    gateway.then(m -> {
      FakeGateway.linkDown().accept(m);
      gateway.link(false);
      vertx.setTimer(150, t -> gateway.link(true));
    });
    var reply = submit(vertx, "sendMessage", message("bumpy"));
    String id = reply.getJsonObject("body").getString("commandId");
    statusesOf(id, "delivered");
    var frames = gateway.frames.all();
    assertEquals(2, frames.size());
    assertEquals(id, frames.get(1).getString("id"));
    assertEquals(0, gateway.framesWhileDown, "nothing sent before the link was usable again");
  }

  @Test
  void fullQueueIs503WithRetryAfterAcrossInstances(Vertx vertx) {
    deploy(vertx, Map.of("COMMAND_QUEUE_CAPACITY", 2), 2, new CircuitBreakerOptions(HubAttempts.defaultBreaker()));
    gateway.link(false);
    assertEquals(202, submit(vertx, "typingStart", new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL)).getInteger("status"));
    assertEquals(202, submit(vertx, "typingStart", new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL)).getInteger("status"));
    for (int i = 0; i < 2; i++) { // both instances answer (round robin): the capacity is the node's
      var reply = submit(vertx, "typingStart", new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL));
      assertEquals(503, reply.getInteger("status"));
      assertEquals("QUEUE_SATURATED", error(reply).getString("code"));
      assertNotNull(reply.getJsonObject("headers").getString("Retry-After"));
    }
    gateway.link(true);
    await(gateway.frames.atLeast(2));
    await(statuses.when(l -> l.stream().filter(s -> "delivered".equals(s.getString("status"))).count() == 2));
    assertEquals(200, submit(vertx, "typingStart", new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL)).getInteger("status"),
        "room again once drained");
  }

  // ---- idempotency ----

  @Test
  void sameKeyReturnsTheFirstAnswerAndSendsNothingAgain(Vertx vertx) {
    deploy(vertx, Map.of());
    var headers = new JsonObject().put("idempotency-key", "key-1");
    var first = submit(vertx, envelope("sendMessage", message("once"), USER, Ids.newTraceId(), headers));
    var second = submit(vertx, envelope("sendMessage", message("once"), USER, Ids.newTraceId(), headers));
    assertEquals(200, first.getInteger("status"));
    assertEquals(first.getJsonObject("body"), second.getJsonObject("body"));
    assertEquals(200, second.getInteger("status"));
    assertEquals("true", second.getJsonObject("headers").getString("Idempotent-Replayed"));
    assertEquals(1, gateway.frames.all().size());

    var otherUser = submit(vertx, envelope("sendMessage", message("once"), "100000000000000009", Ids.newTraceId(), headers));
    assertNotEquals(first.getJsonObject("body").getString("commandId"), otherUser.getJsonObject("body").getString("commandId"),
        "keys are per user");
    assertEquals(2, gateway.frames.all().size());
  }

  @Test
  void repeatWhileInFlightIs202WithTheSameCommandId(Vertx vertx) {
    deploy(vertx, Map.of("COMMAND_ACK_WAIT_MS", 50, "COMMAND_ATTEMPT_TIMEOUT_MS", 2_000));
    gateway.then(m -> vertx.setTimer(300, t -> FakeGateway.ok().accept(m)));
    var headers = new JsonObject().put("Idempotency-Key", "key-2");
    var first = submit(vertx, envelope("sendMessage", message("slow"), USER, Ids.newTraceId(), headers));
    var second = submit(vertx, envelope("sendMessage", message("slow"), USER, Ids.newTraceId(), headers));
    assertEquals(202, first.getInteger("status"));
    assertEquals(202, second.getInteger("status"));
    String id = first.getJsonObject("body").getString("commandId");
    assertEquals(id, second.getJsonObject("body").getString("commandId"));
    statusesOf(id, "delivered");
    var third = submit(vertx, envelope("sendMessage", message("slow"), USER, Ids.newTraceId(), headers));
    assertEquals(200, third.getInteger("status"), "after delivery the key returns the outcome");
    assertEquals(id, third.getJsonObject("body").getString("commandId"));
    assertEquals(1, gateway.frames.all().size());
  }

  @Test
  void refusedRequestDoesNotBurnTheKey(Vertx vertx) {
    deploy(vertx, Map.of("RATE_LIMIT_USER", "1/1s"));
    var headers = new JsonObject().put("idempotency-key", "key-3");
    assertEquals(200, submit(vertx, "typingStart", new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL)).getInteger("status"));
    var limited = submit(vertx, envelope("sendMessage", message("x"), USER, Ids.newTraceId(), headers));
    assertEquals(429, limited.getInteger("status"));
    long wait = error(limited).getLong("retryAfterMs");
    await(Future.future(p -> vertx.setTimer(wait + 5, t -> p.complete()))); // the bucket's own wait, not an event
    var retried = submit(vertx, envelope("sendMessage", message("x"), USER, Ids.newTraceId(), headers));
    assertEquals(200, retried.getInteger("status"));
  }

  // ---- breaker ----

  @Test
  void breakerOpensAfterRepeatedFailuresAndProbesWhenHalfOpen(Vertx vertx) {
    var breaker = new CircuitBreakerOptions(HubAttempts.defaultBreaker()).setMaxFailures(2).setResetTimeout(400);
    deploy(vertx, Map.of("COMMAND_MAX_ATTEMPTS", 10, "COMMAND_BACKOFF_BASE_MS", 1, "COMMAND_BACKOFF_MAX_MS", 2,
        "COMMAND_ACK_WAIT_MS", 50), 1, breaker);
    long[] at = new long[3];
    gateway.then(m -> { at[0] = System.nanoTime(); FakeGateway.retryable(0).accept(m); })
        .then(m -> { at[1] = System.nanoTime(); FakeGateway.retryable(0).accept(m); })
        .then(m -> { at[2] = System.nanoTime(); FakeGateway.ok().accept(m); });
    var reply = submit(vertx, "sendMessage", message("through the breaker"));
    assertEquals(202, reply.getInteger("status"));
    String id = reply.getJsonObject("body").getString("commandId");
    // while open, new commands are queued at once and wait behind the head
    var queued = submit(vertx, "sendMessage", message("behind"));
    assertEquals(202, queued.getInteger("status"));
    statusesOf(queued.getJsonObject("body").getString("commandId"), "delivered");
    long pauseMs = TimeUnit.NANOSECONDS.toMillis(at[2] - at[1]);
    assertTrue(pauseMs >= 350, "no attempt while open (backoff alone would be <= 2 ms): " + pauseMs + " ms");
    var frames = gateway.frames.all();
    assertEquals(List.of(id, id, id, queued.getJsonObject("body").getString("commandId")),
        frames.stream().map(f -> f.getString("id")).toList());
  }
}
