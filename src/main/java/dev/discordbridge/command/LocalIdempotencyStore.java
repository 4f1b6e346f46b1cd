package dev.discordbridge.command;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Idempotency entries in this JVM, held by the node's one {@link CommandDispatcherVerticle} (which
 * admits every command of the node). Per-key atomicity comes from
 * {@code ConcurrentHashMap.compute}; an expired entry counts as absent at once and is removed by
 * {@link #evictExpired} (called periodically), so memory is bounded by traffic within one TTL.
 */
public final class LocalIdempotencyStore implements IdempotencyStore {
  private record Held(String commandId, JsonObject reply, long expiresAtMs) {}

  private final ConcurrentHashMap<String, Held> entries = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  public LocalIdempotencyStore(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public Future<Entry> claim(String userId, String key, String commandId, long ttlMs) {
    long now = clock.getAsLong();
    Entry[] existing = new Entry[1];
    entries.compute(IdempotencyStore.mapKey(userId, key), (k, held) -> {
      if (held != null && held.expiresAtMs() > now) {
        existing[0] = new Entry(held.commandId(), held.reply() == null ? null : held.reply().copy());
        return held;
      }
      return new Held(commandId, null, now + ttlMs);
    });
    return Future.succeededFuture(existing[0]);
  }

  @Override
  public Future<Void> record(String userId, String key, String commandId, JsonObject reply) {
    entries.computeIfPresent(IdempotencyStore.mapKey(userId, key), (k, held) -> held.commandId().equals(commandId)
        && IdempotencyStore.replaces(reply, held.reply()) ? new Held(commandId, reply.copy(), held.expiresAtMs()) : held);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> release(String userId, String key, String commandId) {
    entries.computeIfPresent(IdempotencyStore.mapKey(userId, key), (k, held) -> held.commandId().equals(commandId) ? null : held);
    return Future.succeededFuture();
  }

  @Override
  public int evictExpired() {
    long now = clock.getAsLong();
    int removed = 0;
    for (Map.Entry<String, Held> e : entries.entrySet()) {
      // remove(key, value): only if the entry was not renewed meanwhile
      if (e.getValue().expiresAtMs() <= now && entries.remove(e.getKey(), e.getValue())) {
        removed++;
      }
    }
    return removed;
  }

  int size() {
    return entries.size();
  }
}
