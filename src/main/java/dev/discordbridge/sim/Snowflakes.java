package dev.discordbridge.sim;

/** Discord-shaped snowflakes: milliseconds since 2015-01-01 in the top bits, then worker and increment. */
public final class Snowflakes {
  private Snowflakes() {}

  public static final long DISCORD_EPOCH = 1_420_070_400_000L;
  private static final long WORKER = 7;
  private static long lastMillis;
  private static long increment;

  public static synchronized String next() {
    long now = Math.max(System.currentTimeMillis(), lastMillis);
    if (now == lastMillis && ++increment > 0xFFF) {
      now++;
      increment = 0;
    } else if (now != lastMillis) {
      increment = 0;
    }
    lastMillis = now;
    return Long.toString(((now - DISCORD_EPOCH) << 22) | (WORKER << 17) | increment);
  }
}
