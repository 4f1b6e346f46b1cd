package dev.discordbridge.command;

import dev.discordbridge.contract.GatewayCommand;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Function;

/** One accepted command in the {@link CommandQueue}, with its lane state. Owner context only. */
final class PendingCommand {
  final GatewayCommand command;
  final Function<Outcome, Future<?>> settle;
  final Promise<Outcome> outcome = Promise.promise();
  int attempts;
  /** An attempt is in flight, or the command waits for its retry: its channel's lane is taken. */
  boolean active;
  /** An attempt is in flight (not only waiting for its retry). */
  boolean sending;
  /**
   * When the lane must be free again at the latest (the attempt's guard, or the retry's due time
   * plus a margin): past it, the watchdog frees the lane.
   */
  long deadline;
  /** Bumped each time the lane is taken or freed: a late result of an earlier turn is ignored. */
  int turn;

  PendingCommand(GatewayCommand command, Function<Outcome, Future<?>> settle) {
    this.command = command;
    this.settle = settle;
  }

  String lane() {
    return command.channelId() == null ? "" : command.channelId();
  }
}
