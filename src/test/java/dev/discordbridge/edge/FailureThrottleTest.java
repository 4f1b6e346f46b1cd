package dev.discordbridge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Failed link tokens per client address: a few free, then blocks that double, forgotten on success. */
class FailureThrottleTest {
  @Test
  void afterTheFreeFailuresTheAddressIsThrottledAndTheBlockDoubles() {
    FailureThrottle t = new FailureThrottle();
    long now = 1_000_000;
    for (int i = 1; i < FailureThrottle.FREE_FAILURES; i++) {
      assertEquals(0, t.failed("10.0.0.1", now));
    }
    assertEquals(FailureThrottle.FIRST_BLOCK_MS, t.failed("10.0.0.1", now));
    assertEquals(FailureThrottle.FIRST_BLOCK_MS, t.retryAfterMs("10.0.0.1", now));
    assertEquals(0, t.retryAfterMs("10.0.0.2", now), "another address is not affected");
    now += FailureThrottle.FIRST_BLOCK_MS;
    assertEquals(0, t.retryAfterMs("10.0.0.1", now));
    assertEquals(2 * FailureThrottle.FIRST_BLOCK_MS, t.failed("10.0.0.1", now), "one more failure: twice as long");
    long block = 2 * FailureThrottle.FIRST_BLOCK_MS;
    for (int i = 0; i < 20; i++) {
      now += block;
      block = t.failed("10.0.0.1", now);
    }
    assertEquals(FailureThrottle.MAX_BLOCK_MS, block, "capped");
  }

  @Test
  void aSuccessOrAQuietWindowForgetsTheAddress() {
    FailureThrottle t = new FailureThrottle();
    long now = 0;
    for (int i = 0; i < FailureThrottle.FREE_FAILURES - 1; i++) {
      t.failed("a", now);
    }
    t.succeeded("a");
    assertEquals(0, t.failed("a", now), "counting starts again");
    assertEquals(0, t.failed("b", now));
    assertEquals(0, t.failed("b", now + FailureThrottle.WINDOW_MS), "a new window");
  }

  @Test
  void theNumberOfAddressesIsBounded() {
    FailureThrottle t = new FailureThrottle();
    for (int i = 0; i < FailureThrottle.MAX_ADDRESSES + 500; i++) {
      t.failed("addr-" + i, i);
    }
    assertTrue(t.addresses() <= FailureThrottle.MAX_ADDRESSES, "remembered: " + t.addresses());
  }
}
