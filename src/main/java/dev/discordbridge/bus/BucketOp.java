package dev.discordbridge.bus;

import java.util.Objects;

/**
 * {@link Addresses#RATE_BUCKETS} (local only): one operation on the node's bucket store, owned by
 * a single verticle; rate limiter instances send these through their {@code BucketStore}. The
 * bucket is described by its {@code capacity} tokens per {@code periodMs}. Answered with a
 * {@link Result}: for {@code TAKE} whether a token was taken and else the wait; for
 * {@code WAIT} the wait; for {@code REFUND} nothing of interest.
 */
public record BucketOp(Kind kind, String key, int capacity, long periodMs) {
  public enum Kind { TAKE, REFUND, WAIT }

  public BucketOp {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(key, "key");
    if (capacity < 1 || periodMs < 1) {
      throw new IllegalArgumentException("a bucket holds at least one token per period of at least 1 ms");
    }
  }

  /** What an operation found: a token {@code taken} (TAKE), and the wait until the next one. */
  public record Result(boolean taken, long waitMs) {}
}
