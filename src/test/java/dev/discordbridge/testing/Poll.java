package dev.discordbridge.testing;

import java.util.function.BooleanSupplier;

/** For conditions no event announces (another process's state, an HTTP answer): checked every 20 ms, bounded. */
public final class Poll {
  private Poll() {}

  /** Returns once {@code condition} holds; fails after {@code timeoutMs} naming {@code what}. */
  public static void until(long timeoutMs, String what, BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out after " + timeoutMs + " ms waiting for: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what);
      }
    }
  }
}
