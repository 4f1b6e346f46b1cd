package dev.discordbridge.gateway;

import java.util.function.DoubleSupplier;

/**
 * Reconnect delays: capped exponential backoff with full jitter,
 * {@code delay = random(0, min(max, base * 2^attempt))}. Full jitter spreads a crowd of
 * reconnecting clients over the whole window instead of letting them retry in lock step.
 * Not thread-safe; the gateway verticle uses it from its own context only.
 */
public final class Backoff {
  private final long baseMs;
  private final long maxMs;
  private final DoubleSupplier random;
  private int attempt;

  /** @param random values in [0, 1) */
  public Backoff(long baseMs, long maxMs, DoubleSupplier random) {
    if (baseMs <= 0 || maxMs < baseMs) {
      throw new IllegalArgumentException("need 0 < base <= max, got base " + baseMs + ", max " + maxMs);
    }
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.random = random;
  }

  public Backoff(long baseMs, long maxMs) {
    this(baseMs, maxMs, () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
  }

  /** The upper bound of the delay for {@code attempt}: {@code min(max, base * 2^attempt)}. */
  public long ceiling(int attempt) {
    if (attempt >= 62 || baseMs > (maxMs >> Math.min(attempt, 62))) {
      return maxMs;
    }
    return Math.min(maxMs, baseMs << attempt);
  }

  /** The delay before the next try; each call moves one attempt further. */
  public long next() {
    long ceiling = ceiling(attempt);
    if (attempt < 62) {
      attempt++;
    }
    double r = random.getAsDouble();
    return Math.min(ceiling, (long) Math.floor(r * (ceiling + 1)));
  }

  /** Jumps to the cap: used when waiting will not fix things soon (a rejected link token). */
  public void saturate() {
    while (ceiling(attempt) < maxMs && attempt < 62) {
      attempt++;
    }
  }

  /** After a stable connection the next failure starts from the base again. */
  public void reset() {
    attempt = 0;
  }

  public int attempt() { return attempt; }
}
