package dev.discordbridge.command;

import java.util.function.DoubleSupplier;

/**
 * Delays between attempts: capped exponential backoff with full jitter (uniform in
 * [0, min(max, base * 2^(attempt-1))]), never shorter than a wait the hub asked for.
 */
public record RetrySchedule(long baseMs, long maxMs, DoubleSupplier random) {

  /** Milliseconds to wait after failed attempt number {@code attempt} (1-based). */
  public long delayMs(int attempt, long retryAfterMs) {
    return Math.max(Math.max(0, retryAfterMs), jittered(ceilingMs(attempt)));
  }

  /** The jitter's upper bound for {@code attempt}: base * 2^(attempt-1), capped at max. */
  public long ceilingMs(int attempt) {
    int shift = Math.min(Math.max(0, attempt - 1), 30);
    long exp = baseMs << shift;
    return exp <= 0 ? maxMs : Math.min(maxMs, exp);
  }

  private long jittered(long ceiling) {
    double r = Math.min(1.0, Math.max(0.0, random.getAsDouble()));
    return Math.round(r * ceiling);
  }
}
