package dev.discordbridge.discord.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.discord.rest.GatewayBot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The day's session starts: re-read from GET /gateway/bot when they may have reset, and before the last ones are spent. */
class IdentifyBudgetTest {
  Vertx vertx;
  final AtomicInteger reads = new AtomicInteger();
  final ArrayDeque<GatewayBot.SessionStartLimit> answers = new ArrayDeque<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** What GET /gateway/bot answers next (the last answer repeats). */
  Supplier<Future<GatewayBot.SessionStartLimit>> gatewayBot() {
    return () -> {
      reads.incrementAndGet();
      return Future.succeededFuture(answers.size() > 1 ? answers.poll() : answers.peek());
    };
  }

  static GatewayBot.SessionStartLimit limit(int remaining, long resetAfterMs) {
    return new GatewayBot.SessionStartLimit(1000, remaining, resetAfterMs, 1);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static String refusal(Future<?> f) throws Exception {
    try {
      await(f);
      return null;
    } catch (ExecutionException e) {
      return e.getCause().getMessage();
    }
  }

  @Test
  void theBudgetIsReadAgainOnceItMayHaveReset() throws Exception {
    answers.add(limit(1, 250)); // the last one: spent after Discord confirmed it
    answers.add(limit(1000, 86_400_000)); // once reset_after has passed: the day's 1000 are back
    var gate = new LocalIdentifyGate(vertx, limit(1, 300), gatewayBot(), 0);
    await(gate.acquire(0));
    Thread.sleep(400); // no event to await: the budget's period is wall-clock time
    await(gate.acquire(0));
    await(gate.acquire(0));
    assertEquals(2, reads.get(), "GET /gateway/bot read before the last start and after the reset");
  }

  @Test
  void theLastOnesAreSpentOnlyAfterAskingDiscordAgain() throws Exception {
    answers.add(limit(2, 3_600_000)); // another node spent some meanwhile: 2 left, not 12
    answers.add(limit(1, 3_600_000)); // Discord counted the Identify spent since
    var gate = new LocalIdentifyGate(vertx, limit(12, 3_600_000), gatewayBot(), 0);
    for (int i = 0; i < 2; i++) {
      await(gate.acquire(0));
    }
    assertEquals(0, reads.get(), "far from the end: no read");
    await(gate.acquire(0));
    assertEquals(1, reads.get(), "the 10 last ones are spent after a fresh read");
    await(gate.acquire(0));
    String refused = refusal(gate.acquire(0));
    assertTrue(refused != null && refused.contains("session_start_limit.remaining"), String.valueOf(refused));
    assertTrue(refused.contains("resets them in 3600 s"), refused);
  }
}
