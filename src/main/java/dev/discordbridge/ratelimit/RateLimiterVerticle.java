package dev.discordbridge.ratelimit;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * The rate limiter role of a node: it keeps the {@link RateLimiter}'s bucket store tidy (drops
 * idle buckets every {@value #SWEEP_MS} ms; a Hazelcast store expires its own entries). The checks
 * themselves run in the command dispatcher's process through the same {@link RateLimiter} (no bus
 * hop), so several instances share one store and neither split nor multiply a bucket.
 */
public final class RateLimiterVerticle extends VerticleBase {
  static final long SWEEP_MS = 30_000;

  private final RateLimiter limiter;

  public RateLimiterVerticle(RateLimiter limiter) {
    this.limiter = limiter;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(SWEEP_MS, id -> limiter.store().evictIdle());
    return Future.succeededFuture();
  }
}
