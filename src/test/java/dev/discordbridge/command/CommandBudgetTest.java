package dev.discordbridge.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusCodecs;
import dev.discordbridge.bus.CommandOutcome;
import dev.discordbridge.bus.CommandRequest;
import dev.discordbridge.bus.RateLimits;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.config.CommandBudget;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.edge.CommandAnswers;
import dev.discordbridge.ratelimit.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The one timeout budget ({@link CommandBudget}, from COMMAND_ACK_WAIT_MS): its shares, and a side
 * check that overruns its share (rate limiter, idempotency store, journal) gives the documented
 * answer, 503 SERVICE_UNAVAILABLE with Retry-After, by the share's end, and nothing reaches the hub.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CommandBudgetTest {
  private static final String GUILD = "112233445566778899";
  private static final String CHANNEL = "223344556677889900";
  private static final String USER = "334455667788990011";
  /** COMMAND_ACK_WAIT_MS of these tests: the side checks' share is the floor, 1,000 ms. */
  private static final long ACK_WAIT_MS = 500;
  /** Generous: the machine is loaded; the old stacked timeouts answered after 2,000 ms or never. */
  private static final long LATE_MS = 1_900;

  private FakeGateway gateway;

  @Test
  void sharesComeFromTheAckWait() {
    var byDefault = CommandBudget.of(2_000);
    assertEquals(2_000, byDefault.storesMs());
    assertEquals(2_000, byDefault.answerMs());
    assertEquals(3_000, byDefault.edgeWaitMs());
    var short_ = CommandBudget.of(0);
    assertEquals(CommandBudget.STORES_FLOOR_MS, short_.storesMs(), "the side checks keep a floor");
    assertEquals(CommandBudget.STORES_FLOOR_MS + CommandBudget.EDGE_GRACE_MS, short_.edgeWaitMs());
    var config = BridgeConfig.parse(new JsonObject().put("COMMAND_ACK_WAIT_MS", 7_000));
    assertEquals(CommandBudget.of(7_000), config.command().budget());
  }

  @Test
  void aRateLimiterPastItsShareIsA503(Vertx vertx) {
    deploy(vertx, check -> Promise.<dev.discordbridge.bus.RateDecision>promise().future(), null, null);
    expectUnavailable(vertx, "The rate limiter");
  }

  @Test
  void anIdempotencyStorePastItsShareIsA503AndTheKeyIsFree(Vertx vertx) {
    var local = new LocalIdempotencyStore(System::currentTimeMillis);
    IdempotencyStore stuck = new IdempotencyStore() {
      @Override
      public Future<Entry> claim(String userId, String key, String commandId, long ttlMs) {
        return Promise.<Entry>promise().future();
      }

      @Override
      public Future<Void> record(String userId, String key, String commandId, JsonObject reply) {
        return local.record(userId, key, commandId, reply);
      }

      @Override
      public Future<Void> release(String userId, String key, String commandId) {
        return local.release(userId, key, commandId);
      }
    };
    deploy(vertx, null, stuck, null);
    expectUnavailable(vertx, "The idempotency store", "Idempotency-Key", "k-1");
  }

  @Test
  void aJournalPastItsShareIsA503AndTheCommandIsNeverSent(Vertx vertx) {
    CommandJournal local = CommandJournal.local();
    CommandJournal stuck = new CommandJournal() {
      @Override
      public Future<Void> record(GatewayCommand command) {
        return Promise.<Void>promise().future();
      }

      @Override
      public void forget(String commandId) {
      }

      @Override
      public Future<List<Kept>> adoptOrphans() {
        return local.adoptOrphans();
      }

      @Override
      public String keptIn() {
        return "a stuck disk";
      }
    };
    deploy(vertx, null, null, stuck);
    gateway.link(false); // waiting, not in flight: the dispatcher can still take it back
    expectUnavailable(vertx, "The command journal");
    gateway.link(true);
    // A barrier: the dispatcher answers this after it has seen the link come back (and pumped).
    await(vertx.eventBus().request(Addresses.COMMAND_SUBMIT, new CommandRequest(Ids.newTraceId(), "noSuchCommand", USER,
        List.of(GUILD), "header", new JsonObject(), null, null)));
    assertEquals(0, gateway.frames.all().size(), "a command refused is never sent");
  }

  private void deploy(Vertx vertx, RateLimits limits, IdempotencyStore idempotency, CommandJournal journal) {
    var config = BridgeConfig.parse(new JsonObject().put("COMMAND_ACK_WAIT_MS", ACK_WAIT_MS)
        .put("COMMAND_ATTEMPT_TIMEOUT_MS", 200).put("RATE_LIMIT_USER", "1000/1s").put("RATE_LIMIT_CHANNEL", "1000/1s"));
    BusCodecs.register(vertx.eventBus());
    gateway = new FakeGateway();
    await(vertx.deployVerticle(gateway).compose(id -> vertx.deployVerticle(new CommandDispatcherVerticle(config,
        limits == null ? RateLimiter.local(config) : limits, idempotency,
        HubAttempts.defaultBreaker(), journal))));
  }

  private void expectUnavailable(Vertx vertx, String what, String... header) {
    String key = header.length == 2 ? header[1] : null;
    var request = new CommandRequest(Ids.newTraceId(), "sendMessage", USER, List.of(GUILD), "header",
        new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL).put("content", "over budget"), key, null);
    long started = System.currentTimeMillis();
    CommandOutcome outcome = await(vertx.eventBus().<CommandOutcome>request(Addresses.COMMAND_SUBMIT, request)).body();
    long took = System.currentTimeMillis() - started;
    var http = CommandAnswers.of(outcome);
    assertEquals(503, http.status(), String.valueOf(http.body()));
    JsonObject error = http.body().getJsonObject("error");
    assertEquals("SERVICE_UNAVAILABLE", error.getString("code"));
    assertTrue(error.getString("message").startsWith(what), error.getString("message"));
    assertTrue(http.headers().containsKey("Retry-After"), "Retry-After: " + http.headers());
    assertTrue(took >= CommandBudget.STORES_FLOOR_MS - 50 && took < LATE_MS,
        "answered when the side checks' share ran out (" + CommandBudget.STORES_FLOOR_MS + " ms), took " + took + " ms");
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("did not complete: " + e, e);
    }
  }
}
