package dev.discordbridge.command;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Idempotency for a cluster: one Hazelcast {@code IMap<String, String>} ({@value #MAP}), key
 * {@code userId NUL Idempotency-Key}, value the {@link Entry} as JSON text. Each operation is an
 * {@link EntryProcessor} sent with {@code submitToKey} (atomic per key on the partition owner,
 * non-blocking for the caller). {@link #claim} writes with the entry's own TTL
 * ({@code IDEMPOTENCY_TTL_MS}); {@link #record} keeps that expiry; Hazelcast drops expired
 * entries itself. Backups follow the map's backup count (two, set in cluster.ClusterSetup), so a
 * key survives the loss of two members.
 */
public final class HazelcastIdempotencyStore implements IdempotencyStore {
  public static final String MAP = "bridge.command.idempotency";

  private final IMap<String, String> map;

  public HazelcastIdempotencyStore(HazelcastInstance hazelcast) {
    this.map = hazelcast.getMap(MAP);
  }

  @Override
  public Future<Entry> claim(String userId, String key, String commandId, long ttlMs) {
    return onCaller(map.submitToKey(IdempotencyStore.mapKey(userId, key), new Claim(commandId, ttlMs)))
        .map(existing -> existing == null ? null : Entry.fromJson(new JsonObject(existing)));
  }

  @Override
  public Future<Void> record(String userId, String key, String commandId, JsonObject reply) {
    return onCaller(map.submitToKey(IdempotencyStore.mapKey(userId, key), new Record(commandId, reply.encode()))).mapEmpty();
  }

  @Override
  public Future<Void> release(String userId, String key, String commandId) {
    return onCaller(map.submitToKey(IdempotencyStore.mapKey(userId, key), new Release(commandId))).mapEmpty();
  }

  private static <T> Future<T> onCaller(CompletionStage<T> stage) {
    Context context = Vertx.currentContext();
    return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
  }

  private static String owner(String value) {
    return value == null ? null : new JsonObject(value).getString("commandId");
  }

  /** Returns the value already there, or null after writing a fresh claim with the TTL. */
  record Claim(String commandId, long ttlMs) implements EntryProcessor<String, String, String> {
    @Override
    public String process(Map.Entry<String, String> entry) {
      if (entry.getValue() != null) {
        return entry.getValue();
      }
      String value = new Entry(commandId, null).toJson().encode();
      ((ExtendedMapEntry<String, String>) entry).setValue(value, ttlMs, TimeUnit.MILLISECONDS);
      return null;
    }
  }

  record Record(String commandId, String reply) implements EntryProcessor<String, String, Boolean> {
    @Override
    public Boolean process(Map.Entry<String, String> entry) {
      if (!commandId.equals(owner(entry.getValue()))) {
        return false;
      }
      JsonObject incoming = new JsonObject(reply);
      if (!IdempotencyStore.replaces(incoming, Entry.fromJson(new JsonObject(entry.getValue())).reply())) {
        return false;
      }
      String value = new Entry(commandId, incoming).toJson().encode();
      ((ExtendedMapEntry<String, String>) entry).setValueWithoutChangingExpiryTime(value);
      return true;
    }
  }

  record Release(String commandId) implements EntryProcessor<String, String, Boolean> {
    @Override
    public Boolean process(Map.Entry<String, String> entry) {
      if (!commandId.equals(owner(entry.getValue()))) {
        return false;
      }
      entry.setValue(null);
      return true;
    }
  }
}
