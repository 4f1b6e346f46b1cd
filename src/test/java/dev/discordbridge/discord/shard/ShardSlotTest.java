package dev.discordbridge.discord.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.cluster.LinkLease;
import dev.discordbridge.testing.Poll;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A holder stops its shard when the last grant runs out, even while its renewal hangs. */
class ShardSlotTest {
  Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Grants the first request for 600 ms, then never answers (a member cut off from the partition owner). */
  static final class HangingLease implements LinkLease {
    int calls;

    @Override
    public Future<Grant> acquireOrRenew(String nodeId, long minEpoch) {
      return calls++ == 0 ? Future.succeededFuture(new Grant(nodeId, 4, System.currentTimeMillis() + 600))
          : Promise.<Grant>promise().future();
    }

    @Override
    public Future<Void> release(String nodeId) {
      return Future.succeededFuture();
    }

    @Override
    public long leaseMillis() {
      return 600;
    }
  }

  @Test
  void theShardStopsWhenTheGrantRunsOutWithoutARenewal() {
    List<String> events = new CopyOnWriteArrayList<>();
    long[] gainedAt = {0};
    vertx.runOnContext(v -> {
      var slot = new ShardSlot(vertx, 0, new HangingLease(), "n1", epoch -> {
        gainedAt[0] = System.currentTimeMillis();
        events.add("gain " + epoch);
        return Future.succeededFuture();
      }, keep -> {
        events.add("lose " + keep + " after " + (System.currentTimeMillis() - gainedAt[0]));
        return Future.succeededFuture();
      });
      slot.round(true);
      vertx.setPeriodic(200, id -> slot.round(true)); // renewals that never come back
    });
    Poll.until(5_000, "the shard stopped", () -> events.size() == 2);
    assertEquals("gain 4", events.get(0));
    assertTrue(events.get(1).startsWith("lose false"), events.toString());
    long after = Long.parseLong(events.get(1).replaceAll(".* after ", ""));
    assertTrue(after <= 700, "stopped " + after + " ms after the grant (lease 600 ms)");
  }
}
