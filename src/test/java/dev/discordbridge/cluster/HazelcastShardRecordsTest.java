package dev.discordbridge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import dev.discordbridge.testing.LoneHazelcast;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The cluster's one shard count and the epoch-fenced resume positions. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HazelcastShardRecordsTest {
  static HazelcastInstance hz;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    hz = LoneHazelcast.start("shard-records-test");
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
  void theFirstCountIsEveryNodesCount() throws Exception {
    var a = new HazelcastShardRecords(vertx, hz);
    var b = new HazelcastShardRecords(vertx, hz);
    assertEquals(3, get(a.shardCount(3)));
    assertEquals(3, get(b.shardCount(4)), "a node that would use 4 gets the cluster's 3");
  }

  @Test
  void anOlderEpochNeverOverwritesANewerPosition() throws Exception {
    var r = new HazelcastShardRecords(vertx, hz);
    assertNull(get(r.position(7)));
    assertTrue(get(r.savePosition(7, 2, new JsonObject().put("sessionId", "new").put("seq", 5))));
    assertFalse(get(r.savePosition(7, 1, new JsonObject().put("sessionId", "old").put("seq", 9))), "a late write of the old holder");
    JsonObject p = get(r.position(7));
    assertEquals("new", p.getString("sessionId"));
    assertEquals(2L, p.getLong("epoch"));
    assertTrue(get(r.savePosition(7, 2, new JsonObject().put("sessionId", "new").put("seq", 6))));
    assertEquals(6, get(r.position(7)).getInteger("seq"));
  }
}
