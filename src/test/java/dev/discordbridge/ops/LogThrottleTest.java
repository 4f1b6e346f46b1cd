package dev.discordbridge.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LogThrottleTest {

  @Test
  void letsAFewLinesAPerSecondAndCountsTheRest() {
    var t = new LogThrottle(2);
    assertEquals(0, t.acquire(1_000));
    assertEquals(0, t.acquire(1_100));
    assertEquals(-1, t.acquire(1_200));
    assertEquals(-1, t.acquire(1_900));
    assertEquals(2, t.acquire(2_000));
    assertEquals(0, t.acquire(2_001));
  }
}
