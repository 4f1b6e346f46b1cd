package dev.discordbridge.command;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/** Holds a stage of a command to its share of the {@link dev.discordbridge.config.CommandBudget}. */
final class StageBudget {
  /** The stage did not end by its deadline (it may still end later; its result is then ignored). */
  static final class Overrun extends RuntimeException {
    Overrun(long deadlineAt) {
      super("no answer by its deadline (" + Math.max(0, deadlineAt - System.currentTimeMillis()) + " ms left)", null, false, false);
    }
  }

  private StageBudget() {}

  /** {@code stage}'s result, or an {@link Overrun} failure at {@code deadlineAt} (epoch ms) if it has none by then. */
  static <T> Future<T> by(Vertx vertx, Future<T> stage, long deadlineAt) {
    if (stage.isComplete()) {
      return stage;
    }
    Promise<T> bounded = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, deadlineAt - System.currentTimeMillis()),
        id -> bounded.tryFail(new Overrun(deadlineAt)));
    stage.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        bounded.tryComplete(ar.result());
      } else {
        bounded.tryFail(ar.cause());
      }
    });
    return bounded.future();
  }
}
