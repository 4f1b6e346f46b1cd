package dev.discordbridge.command;

import dev.discordbridge.contract.GatewayCommand;
import io.vertx.core.Future;
import java.util.List;

/**
 * Where accepted commands are kept until they end, so that they outlive the node that accepted
 * them. A command is recorded before its 202 is answered and forgotten once it is delivered,
 * refused or given up on; commands recorded by a node that left the cluster are adopted by a
 * survivor and sent again with the same id (the hub de-duplicates by id).
 *
 * <p>{@link #local()} keeps nothing (a node on its own: its queue dies with it, and so does
 * every client connection that could have been told otherwise); {@link HazelcastCommandJournal}
 * replicates to another member.
 */
interface CommandJournal {

  Future<Void> record(GatewayCommand command);

  void forget(String commandId);

  /**
   * Takes over the commands of members that are gone, oldest first. Each is adopted by exactly
   * one survivor. Cheap when nothing changed since the last call.
   */
  Future<List<GatewayCommand>> adoptOrphans();

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
    };
  }
}
