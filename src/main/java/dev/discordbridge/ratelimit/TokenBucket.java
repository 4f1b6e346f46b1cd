package dev.discordbridge.ratelimit;

import java.io.Serializable;

/**
 * Token-bucket arithmetic, free of Vert.x and of clocks: {@code capacity} tokens, refilled evenly
 * (continuously, {@code capacity / periodMs} per millisecond). Callers pass "now" in epoch
 * milliseconds; a clock that goes backwards refills nothing rather than draining the bucket.
 */
public record TokenBucket(int capacity, long periodMs) {
  /** Tolerance for floating-point drift: a bucket this close to a whole token has one. */
  private static final double EPSILON = 1e-9;

  public TokenBucket {
    if (capacity < 1 || periodMs < 1) {
      throw new IllegalArgumentException("a bucket needs capacity >= 1 and period >= 1 ms, got " + capacity + "/" + periodMs + "ms");
    }
  }

  /** One bucket's state: tokens left at {@code updatedAtMs}. Immutable; serializable for Hazelcast. */
  public record State(double tokens, long updatedAtMs) implements Serializable {}

  /**
   * The outcome of taking one token.
   *
   * @param taken whether a token was taken
   * @param state the state to store (refilled; minus one token when taken)
   * @param waitMs when refused: milliseconds until one whole token is there (at least 1); else 0
   */
  public record Take(boolean taken, State state, long waitMs) implements Serializable {}

  public State full(long nowMs) {
    return new State(capacity, nowMs);
  }

  /** The state brought forward to {@code nowMs}. A null state is a full bucket (never used or expired). */
  public State refill(State s, long nowMs) {
    if (s == null) {
      return full(nowMs);
    }
    long elapsed = Math.max(0, nowMs - s.updatedAtMs());
    double tokens = Math.min(capacity, s.tokens() + elapsed * (double) capacity / periodMs);
    return new State(tokens, Math.max(nowMs, s.updatedAtMs()));
  }

  public Take take(State s, long nowMs) {
    State now = refill(s, nowMs);
    if (now.tokens() + EPSILON >= 1) {
      return new Take(true, new State(Math.max(0, now.tokens() - 1), now.updatedAtMs()), 0);
    }
    return new Take(false, now, waitMs(now));
  }

  /** Gives back one token (a take that must be undone), never above capacity. */
  public State refund(State s, long nowMs) {
    State now = refill(s, nowMs);
    return new State(Math.min(capacity, now.tokens() + 1), now.updatedAtMs());
  }

  /** Milliseconds until {@code s} (already refilled to its own time) holds one whole token; 0 when it does. */
  public long waitMs(State s) {
    double missing = 1 - s.tokens();
    if (missing <= EPSILON) {
      return 0;
    }
    return Math.max(1, (long) Math.ceil(missing * periodMs / capacity - EPSILON));
  }

  /** Milliseconds after its last update at which the bucket is full again, i.e. no different from no bucket. */
  public long idleAfterMs(State s) {
    return (long) Math.ceil((capacity - s.tokens()) * periodMs / capacity);
  }
}
