package dev.discordbridge.command;

import dev.discordbridge.contract.GatewayCommand;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Where accepted commands are kept until they end, so that they outlive the node that accepted
 * them. A command is recorded before its 202 is answered and forgotten once it is delivered,
 * refused, expired or given up on. Commands recorded by a node that left the cluster are adopted
 * by a survivor, and those a node on its own kept on disk are recovered when it starts again;
 * either way they are sent again with the same id (the hub de-duplicates by id).
 *
 * <p>{@link #local()} keeps nothing (the demo node, whose simulated hub dies with it);
 * {@link FileCommandJournal} keeps them in a file (a node on its own);
 * {@link HazelcastCommandJournal} replicates to another member (a cluster).
 *
 * <p>All calls come from the queue's owner context.
 */
public interface CommandJournal {

  /** A command kept from an earlier life of the node, with the Idempotency-Key it was accepted with (or null). */
  record Kept(GatewayCommand command, String idempotencyKey) {}

  /**
   * An Idempotency-Key whose command ended, with the answer it got ({@code CommandOutcome} JSON),
   * kept until {@code expiresAt} (epoch ms) so that a retry after a restart gets that answer again.
   */
  record KeptKey(String userId, String key, String commandId, JsonObject reply, long expiresAt) {
    public JsonObject toJson() {
      return new JsonObject().put("userId", userId).put("key", key).put("commandId", commandId).put("reply", reply)
          .put("expiresAt", expiresAt);
    }

    /** Null when {@code o} is not a kept key. */
    public static KeptKey fromJson(JsonObject o) {
      if (o.getValue("userId") instanceof String u && o.getValue("key") instanceof String k
          && o.getValue("commandId") instanceof String id && o.getValue("reply") instanceof JsonObject reply
          && o.getValue("expiresAt") instanceof Number at) {
        return new KeptKey(u, k, id, reply, at.longValue());
      }
      return null;
    }
  }

  /** What an earlier life of the node left: its open commands in order, and the keys of ended ones still kept. */
  record Recovery(List<Kept> commands, List<KeptKey> keys) {
    public static final Recovery NONE = new Recovery(List.of(), List.of());
  }

  Future<Void> record(GatewayCommand command);

  /** Records a command with the Idempotency-Key it was accepted with (null: none), so that the key outlives the node too. */
  default Future<Void> record(GatewayCommand command, String idempotencyKey) {
    return record(command);
  }

  /**
   * Keeps the final answer of an Idempotency-Key beyond the node's life, until the key expires;
   * called before the command is forgotten. Journals whose keys live elsewhere (a cluster's map) ignore it.
   */
  default void keepKey(KeptKey key) {
  }

  void forget(String commandId);

  /**
   * Takes over the commands of members that are gone, oldest first. Each is adopted by exactly
   * one survivor. Cheap when nothing changed since the last call.
   */
  Future<List<Kept>> adoptOrphans();

  /** Commands an earlier life of this node kept and did not end, oldest first (and kept keys); called once, before any record. */
  default Future<Recovery> recover() {
    return Future.succeededFuture(Recovery.NONE);
  }

  /** Where unfinished commands stay when the node stops, for the shutdown log line. */
  String keptIn();

  /** Writes what is pending and lets go of the storage (the node stops). */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  static CommandJournal local() {
    return new CommandJournal() {
      @Override
      public Future<Void> record(GatewayCommand command) {
        return Future.succeededFuture();
      }

      @Override
      public void forget(String commandId) {
      }

      @Override
      public Future<List<Kept>> adoptOrphans() {
        return Future.succeededFuture(List.of());
      }

      @Override
      public String keptIn() {
        return "nowhere (no journal: they are lost)";
      }
    };
  }
}
