package dev.discordbridge.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void ceilingDoublesFromTheBaseUpToTheCap() {
    var b = new Backoff(100, 1_000, () -> 0.5);
    assertEquals(100, b.ceiling(0));
    assertEquals(200, b.ceiling(1));
    assertEquals(800, b.ceiling(3));
    assertEquals(1_000, b.ceiling(4));
    assertEquals(1_000, b.ceiling(61));
    assertEquals(1_000, b.ceiling(1_000));
  }

  @Test
  void delaysStayWithinZeroAndTheCeilingOfTheirAttempt() {
    var random = new Random(42);
    var b = new Backoff(50, 3_000, random::nextDouble);
    for (int attempt = 0; attempt < 200; attempt++) {
      long ceiling = b.ceiling(b.attempt());
      long d = b.next();
      assertTrue(d >= 0 && d <= ceiling, "attempt " + attempt + ": " + d + " not in [0, " + ceiling + "]");
      assertTrue(d <= 3_000);
    }
  }

  @Test
  void extremesOfTheRandomSourceReachZeroAndTheCeiling() {
    assertEquals(0, new Backoff(100, 1_000, () -> 0.0).next());
    var high = new Backoff(100, 1_000, () -> 0.999_999_999);
    assertEquals(100, high.next());
    assertEquals(200, high.next());
    assertEquals(400, high.next());
    assertEquals(800, high.next());
    assertEquals(1_000, high.next());
    assertEquals(1_000, high.next());
  }

  @Test
  void fullJitterSpreadsOverTheWholeWindow() {
    var random = new Random(7);
    var b = new Backoff(1_000, 1_000, random::nextDouble);
    int[] buckets = new int[10];
    for (int i = 0; i < 10_000; i++) {
      buckets[(int) Math.min(9, b.next() / 100)]++;
    }
    for (int i = 0; i < 10; i++) {
      assertTrue(buckets[i] > 800 && buckets[i] < 1_200, "bucket " + i + " holds " + buckets[i] + " of 10000");
    }
  }

  @Test
  void resetStartsFromTheBaseAgain() {
    var b = new Backoff(100, 10_000, () -> 0.999_999_999);
    b.next();
    b.next();
    b.next();
    assertEquals(3, b.attempt());
    b.reset();
    assertEquals(0, b.attempt());
    assertEquals(100, b.next());
  }

  @Test
  void saturateJumpsToTheCap() {
    var b = new Backoff(100, 5_000, () -> 0.999_999_999);
    b.saturate();
    assertEquals(5_000, b.next());
  }

  @Test
  void afterARefusalTheDelayComesFromTheCapAndNeverFallsBelowTheBase() {
    assertEquals(5_000, new Backoff(100, 5_000, () -> 0.999_999_999).afterRefusal());
    var low = new Backoff(100, 5_000, () -> 0.0);
    assertEquals(100, low.afterRefusal(), "a zero draw still waits the base");
    assertEquals(100, low.afterRefusal());
  }

  @Test
  void rejectsNonsenseBounds() {
    assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 10));
    assertThrows(IllegalArgumentException.class, () -> new Backoff(100, 10));
  }
}
