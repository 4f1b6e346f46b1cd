package dev.discordbridge.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import dev.discordbridge.testing.LoneHazelcast;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The entry processors against a real (single, loopback-only) Hazelcast member. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HazelcastBucketStoreTest {
  static HazelcastInstance hz;

  @BeforeAll
  static void start() {
    hz = LoneHazelcast.start("bucket-test");
  }

  @AfterAll
  static void stop() {
    hz.shutdown();
  }

  private static <T> T get(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void bothOrNoneAcrossTheClusterMapAndIdleEntriesExpire() throws Exception {
    var store = new HazelcastBucketStore(hz);
    var pair = new BucketPair(store, new TokenBucket(2, 60_000), new TokenBucket(1, 60_000));
    assertTrue(get(pair.check("u", "c1")).allowed());
    var refused = get(pair.check("u", "c1"));
    assertFalse(refused.allowed());
    assertEquals("channel", refused.scope());
    // the user's token was given back: one left for another channel, then the user is empty
    assertTrue(get(pair.check("u", "c2")).allowed());
    assertEquals("user", get(pair.check("u", "c3")).scope());

    var quick = new TokenBucket(1, 1_500);
    assertTrue(get(store.take("q", quick)).taken());
    assertEquals(1, hz.getMap(HazelcastBucketStore.MAP).containsKey("q") ? 1 : 0);
    long deadline = System.currentTimeMillis() + 8_000;
    while (hz.getMap(HazelcastBucketStore.MAP).containsKey("q") && System.currentTimeMillis() < deadline) {
      Thread.sleep(50); // Hazelcast expiry has no event to await here
    }
    assertFalse(hz.getMap(HazelcastBucketStore.MAP).containsKey("q"), "the entry's TTL is the time to refill");
  }
}
