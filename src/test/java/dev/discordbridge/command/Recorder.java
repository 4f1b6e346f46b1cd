package dev.discordbridge.command;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/** Things seen on the bus, and futures that complete when what was seen matches a condition. */
final class Recorder<T> {
  private record Waiter<T>(Predicate<List<T>> condition, Promise<List<T>> promise) {}

  private final List<T> seen = new ArrayList<>();
  private final List<Waiter<T>> waiters = new ArrayList<>();

  synchronized void add(T item) {
    seen.add(item);
    for (Iterator<Waiter<T>> it = waiters.iterator(); it.hasNext(); ) {
      Waiter<T> w = it.next();
      if (w.condition().test(seen)) {
        w.promise().tryComplete(List.copyOf(seen));
        it.remove();
      }
    }
  }

  synchronized List<T> all() {
    return List.copyOf(seen);
  }

  synchronized Future<List<T>> when(Predicate<List<T>> condition) {
    if (condition.test(seen)) {
      return Future.succeededFuture(List.copyOf(seen));
    }
    Promise<List<T>> p = Promise.promise();
    waiters.add(new Waiter<>(condition, p));
    return p.future();
  }

  Future<List<T>> atLeast(int n) {
    return when(l -> l.size() >= n);
  }
}
