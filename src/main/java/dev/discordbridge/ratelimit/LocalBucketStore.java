package dev.discordbridge.ratelimit;

import io.vertx.core.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Buckets in this JVM, one store per node, used by the node's {@link RateLimiter} from whichever
 * thread calls it. Each operation is one {@code ConcurrentHashMap.compute} on the key, hence
 * atomic per key from several threads at once (tests do).
 */
public final class LocalBucketStore implements BucketStore {
  /** A state and the time at which that bucket is full again (then it may be dropped). */
  private record Held(TokenBucket.State state, long idleAtMs) {}

  private final ConcurrentHashMap<String, Held> buckets = new ConcurrentHashMap<>();
  private final LongSupplier clock;

  public LocalBucketStore(LongSupplier clock) {
    this.clock = clock;
  }

  @Override
  public Future<TokenBucket.Take> take(String key, TokenBucket bucket) {
    long now = clock.getAsLong();
    TokenBucket.Take[] out = new TokenBucket.Take[1];
    buckets.compute(key, (k, held) -> {
      out[0] = bucket.take(held == null ? null : held.state(), now);
      return hold(bucket, out[0].state());
    });
    return Future.succeededFuture(out[0]);
  }

  @Override
  public Future<Void> refund(String key, TokenBucket bucket) {
    long now = clock.getAsLong();
    buckets.compute(key, (k, held) -> hold(bucket, bucket.refund(held == null ? null : held.state(), now)));
    return Future.succeededFuture();
  }

  @Override
  public Future<Long> waitMs(String key, TokenBucket bucket) {
    Held held = buckets.get(key);
    return Future.succeededFuture(bucket.waitMs(bucket.refill(held == null ? null : held.state(), clock.getAsLong())));
  }

  @Override
  public int evictIdle() {
    long now = clock.getAsLong();
    int before = buckets.size();
    // removeIf on a ConcurrentHashMap view removes an entry only if it still holds the value tested.
    buckets.entrySet().removeIf(e -> e.getValue().idleAtMs() <= now);
    return Math.max(0, before - buckets.size());
  }

  int size() {
    return buckets.size();
  }

  private static Held hold(TokenBucket bucket, TokenBucket.State s) {
    return new Held(s, s.updatedAtMs() + bucket.idleAfterMs(s));
  }
}
