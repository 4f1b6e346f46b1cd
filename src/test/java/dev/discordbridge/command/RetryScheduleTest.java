package dev.discordbridge.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
  @Test
  void ceilingDoublesAndIsCapped() {
    var s = new RetrySchedule(200, 10_000, () -> 1.0);
    assertEquals(200, s.ceilingMs(1));
    assertEquals(400, s.ceilingMs(2));
    assertEquals(6_400, s.ceilingMs(6));
    assertEquals(10_000, s.ceilingMs(7));
    assertEquals(10_000, s.ceilingMs(99), "no overflow for large attempts");
  }

  @Test
  void fullJitterStaysWithinZeroAndTheCeiling() {
    var random = new Random(42);
    var s = new RetrySchedule(100, 5_000, random::nextDouble);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 2_000; i++) {
      long d = s.delayMs(4, 0);
      assertTrue(d >= 0 && d <= 800, "attempt 4: 0..800 ms, got " + d);
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertTrue(min < 100 && max > 700, "the jitter spreads over the whole range: " + min + ".." + max);
    assertEquals(0, new RetrySchedule(100, 5_000, () -> 0.0).delayMs(3, 0));
    assertEquals(400, new RetrySchedule(100, 5_000, () -> 1.0).delayMs(3, 0));
  }

  @Test
  void hubRetryAfterIsHonoured() {
    var s = new RetrySchedule(100, 5_000, () -> 0.5);
    assertEquals(3_000, s.delayMs(1, 3_000), "never sooner than the hub asked");
    assertEquals(200, s.delayMs(3, 150), "the backoff wins when it is longer");
    assertEquals(60_000, s.delayMs(1, 60_000), "the cap does not shorten the hub's wait");
  }
}
