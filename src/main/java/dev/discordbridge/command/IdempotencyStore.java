package dev.discordbridge.command;

import dev.discordbridge.bus.CommandOutcome;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Remembers, per user and {@code Idempotency-Key}, which command a key started and the answer it
 * got, for {@code IDEMPOTENCY_TTL_MS} after the first request. Shared by every dispatcher
 * instance of a node ({@link LocalIdempotencyStore}) or by every node of a cluster
 * ({@link HazelcastIdempotencyStore}). All operations are atomic per (user, key).
 *
 * <p>Life of an entry: {@link #claim} (reply null: being admitted) → {@link #record} the queued
 * outcome once accepted → {@link #record} the final outcome (delivered or refused) → expiry. A request refused before acceptance
 * (429, 503) {@link #release}s its claim, so the client can retry with the same key.
 */
public interface IdempotencyStore {

  /** What a key holds: the command it started and the latest answer (null while being admitted). */
  record Entry(String commandId, JsonObject reply) {
    public JsonObject toJson() {
      return new JsonObject().put("commandId", commandId).put("reply", reply);
    }

    public static Entry fromJson(JsonObject o) {
      return new Entry(o.getString("commandId"), o.getJsonObject("reply"));
    }
  }

  /** Claims the key for {@code commandId} for {@code ttlMs}; returns null when claimed, else the entry already there. */
  Future<Entry> claim(String userId, String key, String commandId, long ttlMs);

  /**
   * Stores {@code reply} for the key if {@code commandId} still holds it; the expiry does not move.
   * A queued outcome never replaces one already stored (the final answer may be recorded first).
   */
  Future<Void> record(String userId, String key, String commandId, JsonObject reply);

  /** Forgets the key if {@code commandId} still holds it. */
  Future<Void> release(String userId, String key, String commandId);

  /** Drops expired entries; returns how many (stores that expire by themselves return 0). */
  default int evictExpired() {
    return 0;
  }

  /**
   * Whether {@code incoming} may replace {@code stored} (both {@link CommandOutcome#toJson()}):
   * anything replaces nothing; a queued outcome replaces nothing else.
   */
  static boolean replaces(JsonObject incoming, JsonObject stored) {
    return stored == null || !CommandOutcome.Status.QUEUED.name().equals(incoming.getString("status"));
  }

  /** One map key per (user, key): the NUL cannot occur in either part. */
  static String mapKey(String userId, String key) {
    return userId + '\u0000' + key;
  }
}
