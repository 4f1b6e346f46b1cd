package dev.discordbridge.backoff;

import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with full jitter: the n-th delay (n from 0) is uniform in
 * {@code [0, min(max, base * 2^n)]}. Full jitter spreads a crowd of retrying clients over the
 * whole window instead of letting them retry in lock step. Used for link reconnects and for
 * command retries alike. Pure: the random source is given.
 *
 * @param random values in [0, 1)
 */
public record FullJitter(long baseMs, long maxMs, DoubleSupplier random) {

  public FullJitter {
    if (baseMs <= 0 || maxMs < baseMs) {
      throw new IllegalArgumentException("need 0 < base <= max, got base " + baseMs + ", max " + maxMs);
    }
  }

  /** The upper bound of the n-th delay: {@code min(max, base * 2^n)}, without overflow. */
  public long ceiling(int n) {
    if (n < 0) {
      return baseMs;
    }
    if (n >= 62 || baseMs > (maxMs >> Math.min(n, 62))) {
      return maxMs;
    }
    return Math.min(maxMs, baseMs << n);
  }

  /** The n-th delay: uniform in {@code [0, ceiling(n)]}. */
  public long delay(int n) {
    long ceiling = ceiling(n);
    double r = Math.min(1.0, Math.max(0.0, random.getAsDouble()));
    return Math.min(ceiling, (long) Math.floor(r * (ceiling + 1)));
  }
}
