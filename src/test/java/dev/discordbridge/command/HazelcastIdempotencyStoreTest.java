package dev.discordbridge.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.hazelcast.core.HazelcastInstance;
import dev.discordbridge.testing.LoneHazelcast;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The clustered idempotency store's entry processors against a real single Hazelcast member. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HazelcastIdempotencyStoreTest {
  static HazelcastInstance hz;

  @BeforeAll
  static void start() {
    hz = LoneHazelcast.start("idem-test");
  }

  @AfterAll
  static void stop() {
    hz.shutdown();
  }

  private static <T> T get(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void claimRecordReleaseAndTtl() throws Exception {
    var store = new HazelcastIdempotencyStore(hz);
    assertNull(get(store.claim("u", "k", "cmd_1", 60_000)));
    assertEquals(new IdempotencyStore.Entry("cmd_1", null), get(store.claim("u", "k", "cmd_2", 60_000)));
    get(store.record("u", "k", "cmd_2", new JsonObject().put("status", 500))); // not the holder: ignored
    get(store.record("u", "k", "cmd_1", new JsonObject().put("status", 200)));
    assertEquals(200, get(store.claim("u", "k", "cmd_3", 60_000)).reply().getInteger("status"));
    get(store.release("u", "k", "cmd_1"));
    assertNull(get(store.claim("u", "k", "cmd_4", 60_000)), "released: the key is free");

    assertNull(get(store.claim("u", "short", "cmd_5", 1)));
    long deadline = System.currentTimeMillis() + 5_000;
    while (hz.getMap(HazelcastIdempotencyStore.MAP).containsKey(IdempotencyStore.mapKey("u", "short"))
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(20); // Hazelcast expiry has no event to await here
    }
    assertNull(get(store.claim("u", "short", "cmd_6", 60_000)), "expired after its TTL");
  }
}
