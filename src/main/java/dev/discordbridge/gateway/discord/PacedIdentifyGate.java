package dev.discordbridge.gateway.discord;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Identify pacing across a cluster: one Identify per {@code spacingMs} per bucket
 * ({@code shardId % max_concurrency}), whichever node sends it, through a shared {@link Pacer}
 * (a Hazelcast map in a cluster); and no more Identifies than the day's {@code remaining} that
 * this node learned from {@code /gateway/bot} (going over would make Discord reset the token).
 */
public final class PacedIdentifyGate implements IdentifyGate {
  /** Reserves the next slot of a key; the answer is how long to wait until it starts. */
  @FunctionalInterface
  public interface Pacer {
    Future<Long> reserve(String key, long spacingMs);
  }

  private final Vertx vertx;
  private final int maxConcurrency;
  private final long spacingMs;
  private final Pacer pacer;
  private int remaining;

  public PacedIdentifyGate(Vertx vertx, int maxConcurrency, int remaining, long spacingMs, Pacer pacer) {
    if (maxConcurrency < 1) {
      throw new IllegalArgumentException("max_concurrency must be at least 1, got " + maxConcurrency);
    }
    this.vertx = vertx;
    this.maxConcurrency = maxConcurrency;
    this.remaining = remaining;
    this.spacingMs = spacingMs;
    this.pacer = pacer;
  }

  @Override
  public Future<Void> acquire(int shardId) {
    if (remaining <= 0) {
      return Future.failedFuture(new IllegalStateException(
          "no session starts left today (session_start_limit.remaining is 0): Discord would reset the token"));
    }
    remaining--;
    return pacer.reserve("identify-" + (shardId % maxConcurrency), spacingMs).compose(wait -> {
      if (wait <= 0) {
        return Future.succeededFuture();
      }
      Promise<Void> p = Promise.promise();
      vertx.setTimer(wait, id -> p.complete());
      return p.future();
    });
  }
}
