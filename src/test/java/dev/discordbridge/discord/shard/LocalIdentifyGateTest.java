package dev.discordbridge.discord.shard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class LocalIdentifyGateTest {

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }

  @Test
  void oneBucketGrantsOnePerSpacingInOrder(Vertx vertx, VertxTestContext ctx) {
    var gate = new LocalIdentifyGate(vertx, 1, 10, 200);
    long start = now();
    Future<Long> a = gate.acquire(0).map(v -> now() - start);
    Future<Long> b = gate.acquire(1).map(v -> now() - start);
    Future<Long> c = gate.acquire(2).map(v -> now() - start);
    Future.all(a, b, c).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      assertTrue(a.result() < 150, "first at once: " + a.result());
      assertTrue(b.result() >= 195, "second after 200 ms: " + b.result());
      assertTrue(c.result() >= 395, "third after 400 ms: " + c.result());
      assertTrue(c.result() - b.result() >= 190);
      ctx.completeNow();
    })));
  }

  @Test
  void bucketsAreShardIdModuloMaxConcurrency(Vertx vertx, VertxTestContext ctx) {
    var gate = new LocalIdentifyGate(vertx, 2, 10, 1000);
    long start = now();
    Future.all(gate.acquire(0), gate.acquire(1)).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
      assertTrue(now() - start < 500, "shards 0 and 1 are in different buckets");
      long before = now();
      gate.acquire(2).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        assertTrue(now() - before >= 400, "shard 2 shares shard 0's bucket");
        ctx.completeNow();
      })));
    })));
  }

  @Test
  void refusesOnceTheDaysRemainingIsUsedUp(Vertx vertx, VertxTestContext ctx) {
    var gate = new LocalIdentifyGate(vertx, 4, 2, 0);
    Future.all(gate.acquire(0), gate.acquire(1))
        .compose(v -> gate.acquire(2))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertTrue(err.getMessage().contains("session_start_limit.remaining"), err.getMessage());
          ctx.completeNow();
        })));
  }
}
