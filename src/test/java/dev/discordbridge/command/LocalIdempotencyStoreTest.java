package dev.discordbridge.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.discordbridge.bus.CommandOutcome;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LocalIdempotencyStoreTest {
  private final AtomicLong now = new AtomicLong(0);
  private final LocalIdempotencyStore store = new LocalIdempotencyStore(now::get);

  @Test
  void firstClaimWinsUntilTheWindowEnds() {
    assertNull(store.claim("u1", "k", "cmd_1", 1_000).result());
    store.record("u1", "k", "cmd_1", new JsonObject().put("status", 200));
    now.set(999);
    var again = store.claim("u1", "k", "cmd_2", 1_000).result();
    assertNotNull(again);
    assertEquals("cmd_1", again.commandId());
    assertEquals(200, again.reply().getInteger("status"));
    now.set(1_000);
    assertNull(store.claim("u1", "k", "cmd_3", 1_000).result(), "expired: a new command may use the key");
  }

  @Test
  void keysArePerUser() {
    assertNull(store.claim("u1", "k", "cmd_1", 1_000).result());
    assertNull(store.claim("u2", "k", "cmd_2", 1_000).result());
  }

  @Test
  void pendingClaimHasNoReplyAndReleaseFreesTheKey() {
    assertNull(store.claim("u", "k", "cmd_1", 1_000).result());
    assertNull(store.claim("u", "k", "cmd_2", 1_000).result().reply());
    store.release("u", "k", "cmd_2"); // not the holder: no effect
    assertEquals("cmd_1", store.claim("u", "k", "cmd_3", 1_000).result().commandId());
    store.release("u", "k", "cmd_1");
    assertNull(store.claim("u", "k", "cmd_4", 1_000).result());
  }

  @Test
  void recordKeepsTheExpiryAndSweepsBoundMemory() {
    store.claim("u", "a", "cmd_1", 1_000);
    now.set(900);
    store.record("u", "a", "cmd_1", new JsonObject());
    store.claim("u", "b", "cmd_2", 1_000);
    now.set(1_000);
    assertEquals(1, store.evictExpired());
    assertEquals(1, store.size());
  }

  @Test
  void aLateQueuedNeverReplacesTheFinalAnswer() {
    store.claim("u", "k", "cmd_1", 1_000);
    store.record("u", "k", "cmd_1", CommandOutcome.delivered("cmd_1", new JsonObject()).toJson());
    store.record("u", "k", "cmd_1", CommandOutcome.queued("cmd_1").toJson());
    assertEquals(CommandOutcome.Status.DELIVERED,
        CommandOutcome.fromJson(store.claim("u", "k", "cmd_2", 1_000).result().reply()).status());
  }
}
