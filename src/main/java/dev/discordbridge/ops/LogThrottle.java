package dev.discordbridge.ops;

/**
 * At most {@code perSecond} log lines per second; the rest are counted and reported with the
 * next line that passes. A hub that floods bad frames cannot flood the log.
 */
public final class LogThrottle {
  private final int perSecond;
  private long windowStart = Long.MIN_VALUE / 2; // far past, without overflow in now - windowStart
  private int inWindow;
  private long suppressed;

  public LogThrottle(int perSecond) {
    this.perSecond = perSecond;
  }

  /** -1 when the line must be suppressed; otherwise how many lines were suppressed before it. */
  public synchronized long acquire(long nowMillis) {
    if (nowMillis - windowStart >= 1000) {
      windowStart = nowMillis;
      inWindow = 0;
    }
    if (inWindow >= perSecond) {
      suppressed++;
      return -1;
    }
    inWindow++;
    long s = suppressed;
    suppressed = 0;
    return s;
  }
}
