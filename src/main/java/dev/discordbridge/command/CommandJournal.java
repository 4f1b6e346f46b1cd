package dev.discordbridge.command;

import dev.discordbridge.contract.GatewayCommand;
import io.vertx.core.Future;
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

  Future<Void> record(GatewayCommand command);

  void forget(String commandId);

  /**
   * Takes over the commands of members that are gone, oldest first. Each is adopted by exactly
   * one survivor. Cheap when nothing changed since the last call.
   */
  Future<List<GatewayCommand>> adoptOrphans();

  /** Commands an earlier life of this node kept and did not end, oldest first; called once, before any record. */
  default Future<List<GatewayCommand>> recover() {
    return Future.succeededFuture(List.of());
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
      public Future<List<GatewayCommand>> adoptOrphans() {
        return Future.succeededFuture(List.of());
      }

      @Override
      public String keptIn() {
        return "nowhere (no journal: they are lost)";
      }
    };
  }
}
