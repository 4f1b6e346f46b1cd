package dev.discordbridge.ratelimit;

import io.vertx.core.Future;

/**
 * Where bucket states live. Every operation is atomic per key, so that several limiter instances
 * (or nodes) never split or multiply a bucket. Implementations: {@link LocalBucketStore} (one per
 * Vert.x instance, shared by all verticle instances) and {@link HazelcastBucketStore} (one IMap
 * for the cluster, updated by entry processors on the key's owner).
 */
public interface BucketStore {
  /** Takes one token from {@code key}'s bucket, or reports the wait. */
  Future<TokenBucket.Take> take(String key, TokenBucket bucket);

  /** Gives one token back (undoing a take when the other bucket refused). */
  Future<Void> refund(String key, TokenBucket bucket);

  /** Milliseconds until {@code key}'s bucket holds a token (0 when it does), without taking one. */
  Future<Long> waitMs(String key, TokenBucket bucket);

  /** Drops buckets that are full again (equivalent to absent); returns how many. Stores that expire by themselves return 0. */
  default int evictIdle() {
    return 0;
  }
}
