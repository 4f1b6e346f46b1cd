package dev.discordbridge.link;

import dev.discordbridge.backoff.FullJitter;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delays: capped exponential backoff with full jitter,
 * {@code delay = random(0, min(max, base * 2^attempt))}. Full jitter spreads a crowd of
 * reconnecting clients over the whole window instead of letting them retry in lock step.
 * Not thread-safe: each user keeps its own instance on its own context ({@code HubLink}, each
 * {@code ShardSession}, {@code DiscordShardsVerticle}'s {@code /gateway/bot} retries).
 */
public final class Backoff {
  private final FullJitter jitter;
  private int attempt;

  /** @param random values in [0, 1) */
  public Backoff(long baseMs, long maxMs, DoubleSupplier random) {
    this.jitter = new FullJitter(baseMs, maxMs, random);
  }

  public Backoff(long baseMs, long maxMs) {
    this(baseMs, maxMs, () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
  }

  /** The upper bound of the delay for {@code attempt}: {@code min(max, base * 2^attempt)}. */
  public long ceiling(int attempt) {
    return jitter.ceiling(attempt);
  }

  /** The delay before the next try; each call moves one attempt further. */
  public long next() {
    long delay = jitter.delay(attempt);
    if (attempt < 62) {
      attempt++;
    }
    return delay;
  }

  /** Jumps to the cap: used when waiting will not fix things soon (a rejected link token). */
  public void saturate() {
    while (ceiling(attempt) < jitter.maxMs() && attempt < 62) {
      attempt++;
    }
  }

  /**
   * The delay after a refusal that waiting will not fix soon (a rejected token, an Identify not
   * allowed): from the cap, and never below the base.
   */
  public long afterRefusal() {
    saturate();
    return Math.max(jitter.baseMs(), next());
  }

  /** After a stable connection the next failure starts from the base again. */
  public void reset() {
    attempt = 0;
  }

  public int attempt() { return attempt; }
}
