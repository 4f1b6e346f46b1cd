package dev.discordbridge.discord.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RestBucketTest {

  @Test
  void anUnknownBucketIsReadyAtOnce() {
    RestBucket b = new RestBucket("route", false);
    assertEquals(0, b.readyAt(1_000));
    b.consume(1_000);
    assertEquals(-1, b.remaining(), "nothing is assumed before Discord says");
  }

  @Test
  void nothingRemainingWaitsForTheResetAndThenStartsFull() {
    RestBucket b = new RestBucket("h channels/1", true);
    b.learn(5, 0, 2_000, 10_000);
    assertEquals(12_000, b.readyAt(10_500));
    b.settle();
    b.consume(12_000);
    assertEquals(4, b.remaining(), "past the reset the bucket is full again, minus this request");
    assertTrue(b.readyAt(12_000) <= 12_000);
  }

  @Test
  void headersWithoutRemainingChangeNothingAndA429PauseHolds() {
    RestBucket b = new RestBucket("h channels/1", true);
    b.learn(-1, -1, 0, 10_000);
    assertEquals(-1, b.limit());
    b.pauseUntil(15_000);
    b.pauseUntil(14_000);
    assertEquals(15_000, b.readyAt(10_000), "a pause is never shortened");
    assertFalse(b.idle(10_000));
    assertTrue(b.idle(15_000));
  }
}
