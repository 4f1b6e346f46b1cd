package dev.discordbridge.discord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Conditions a test waits for, re-checked whenever the watched object records something, so a
 * test awaits an event instead of sleeping. Thread-safe: fakes record on Vert.x threads, tests
 * wait on the JUnit thread.
 */
public final class Signals {
  private record Waiter(BooleanSupplier condition, CompletableFuture<Void> done) {}

  private final List<Waiter> waiters = new ArrayList<>();

  /** Completes as soon as {@code condition} holds (at once when it already does). */
  public synchronized CompletableFuture<Void> when(BooleanSupplier condition) {
    var w = new Waiter(condition, new CompletableFuture<>());
    if (condition.getAsBoolean()) {
      w.done().complete(null);
    } else {
      waiters.add(w);
    }
    return w.done();
  }

  /** Something changed: completes every waiter whose condition now holds. */
  public synchronized void changed() {
    waiters.removeIf(w -> {
      if (w.condition().getAsBoolean()) {
        w.done().complete(null);
        return true;
      }
      return false;
    });
  }
}
