package dev.discordbridge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hazelcast.core.HazelcastInstance;
import dev.discordbridge.testing.LoneHazelcast;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One count of session starts for every node (two budgets on one Hazelcast member stand for two nodes). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HazelcastIdentifyBudgetTest {
  static HazelcastInstance hz;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    hz = LoneHazelcast.start("identify-budget-test");
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    hz.shutdown();
    get(vertx.close());
  }

  static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void nodesSpendFromOneCountThatOnlyDiscordsNextPeriodRaises() throws Exception {
    var a = new HazelcastIdentifyBudget(vertx, hz);
    var b = new HazelcastIdentifyBudget(vertx, hz);
    long now = System.currentTimeMillis();
    get(a.set(3, now + 60_000, now));
    get(b.set(1000, now + 60_000, now)); // a stale read within the period does not raise it
    assertEquals(2, get(a.take(0, now)));
    assertEquals(1, get(b.take(0, now)));
    assertEquals(-1, get(a.take(1, now)), "the last one is kept for after a fresh read");
    assertEquals(0, get(b.take(0, now)));
    assertEquals(-1, get(a.take(0, now)), "used up on every node");
    assertEquals(-1, get(a.take(0, now + 60_000)), "past reset_after the count is unknown");
    get(b.set(1000, now + 120_000, now + 60_000));
    assertEquals(999, get(a.take(0, now + 60_001)));
  }
}
