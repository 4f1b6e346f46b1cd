package dev.discordbridge.command;

import io.vertx.core.Future;
import java.util.function.Function;

/**
 * What the {@link CommandQueue}'s owner does with commands that come back from the journal (an
 * earlier life of the node, or a member that left): {@link #beforeRestore} runs first (the
 * Idempotency-Keys are put back, so that a command that ends at once, expired, records its end
 * under its key), then each command is queued with its {@link #settle}.
 */
interface Restorer {
  Restorer NONE = new Restorer() {
    @Override
    public Future<Void> beforeRestore(CommandJournal.Recovery recovery) {
      return Future.succeededFuture();
    }

    @Override
    public Function<Outcome, Future<?>> settle(CommandJournal.Kept kept) {
      return null;
    }
  };

  /** Runs before the recovered commands are queued; never fails the start (failures are logged). */
  Future<Void> beforeRestore(CommandJournal.Recovery recovery);

  /** The {@code settle} of a command that comes back (null: none). */
  Function<Outcome, Future<?>> settle(CommandJournal.Kept kept);
}
