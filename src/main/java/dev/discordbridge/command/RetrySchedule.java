package dev.discordbridge.command;

import dev.discordbridge.backoff.FullJitter;
import java.util.function.DoubleSupplier;

/**
 * Delays between attempts: capped exponential backoff with full jitter (uniform in
 * [0, min(max, base * 2^(attempt-1))]), never shorter than a wait the hub asked for.
 */
public record RetrySchedule(FullJitter jitter) {

  public RetrySchedule(long baseMs, long maxMs, DoubleSupplier random) {
    this(new FullJitter(baseMs, maxMs, random));
  }

  /** Milliseconds to wait after failed attempt number {@code attempt} (1-based). */
  public long delayMs(int attempt, long retryAfterMs) {
    return Math.max(Math.max(0, retryAfterMs), jitter.delay(attempt - 1));
  }

  /** The jitter's upper bound for {@code attempt}: base * 2^(attempt-1), capped at max. */
  public long ceilingMs(int attempt) {
    return jitter.ceiling(attempt - 1);
  }
}
