package dev.discordbridge.bench;

import io.vertx.core.Future;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Small blocking helpers for the benchmark's main thread (never called on an event loop). */
public final class Bench {
  private Bench() {}

  public static <T> T await(Future<T> f, long seconds) throws Exception {
    return await(f.toCompletionStage().toCompletableFuture(), seconds);
  }

  public static <T> T await(java.util.concurrent.CompletableFuture<T> f, long seconds) throws Exception {
    try {
      return f.get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof Exception ex ? ex : new IllegalStateException(c);
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer within " + seconds + " s");
    }
  }

  static void awaitQuietly(Future<?> f, long seconds) {
    try {
      await(f, seconds);
    } catch (Exception e) {
      // Best effort while stopping.
    }
  }

  /** A port free on 127.0.0.1 right now (the server binds it a moment later). */
  public static int freePort() throws IOException {
    try (var s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  public static void sleepUntil(long benchNanos) {
    long wait;
    while ((wait = benchNanos - BenchEvents.now()) > 0) {
      java.util.concurrent.locks.LockSupport.parkNanos(wait);
    }
  }
}
