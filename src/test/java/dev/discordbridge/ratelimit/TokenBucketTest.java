package dev.discordbridge.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  /** 10 tokens per 10 s: one token per second. */
  private final TokenBucket bucket = new TokenBucket(10, 10_000);

  @Test
  void burstUpToCapacityThenRefusedWithExactWait() {
    TokenBucket.State s = null;
    for (int i = 0; i < 10; i++) {
      var t = bucket.take(s, 1_000);
      assertTrue(t.taken(), "token " + (i + 1) + " of the burst");
      s = t.state();
    }
    var refused = bucket.take(s, 1_000);
    assertFalse(refused.taken());
    assertEquals(1_000, refused.waitMs(), "a whole token takes 1 s at 10/10s");

    var later = bucket.take(refused.state(), 1_250);
    assertFalse(later.taken());
    assertEquals(750, later.waitMs(), "a quarter token came back in 250 ms");
  }

  @Test
  void refillsEvenlyAndNeverAboveCapacity() {
    var empty = new TokenBucket.State(0, 0);
    assertEquals(2.5, bucket.refill(empty, 2_500).tokens(), 1e-9);
    assertEquals(10, bucket.refill(empty, 60_000).tokens(), 1e-9);
  }

  @Test
  void tokenIsThereExactlyWhenTheWaitSaysSo() {
    var odd = new TokenBucket(3, 10_000); // 3333.33.. ms per token
    var t = odd.take(new TokenBucket.State(0.2, 0), 0);
    assertFalse(t.taken());
    assertEquals(2_667, t.waitMs());
    assertFalse(odd.take(t.state(), t.waitMs() - 1).taken(), "one ms early is still refused");
    assertTrue(odd.take(t.state(), t.waitMs()).taken(), "at the wait a token is there");
  }

  @Test
  void clockGoingBackwardsRefillsNothing() {
    var s = new TokenBucket.State(0, 5_000);
    var t = bucket.take(s, 4_000);
    assertFalse(t.taken());
    assertEquals(1_000, t.waitMs());
  }

  @Test
  void refundIsCappedAndIdleTimeIsTimeToFull() {
    assertEquals(10, bucket.refund(bucket.full(0), 0).tokens(), 1e-9);
    assertEquals(1, bucket.refund(new TokenBucket.State(0, 0), 0).tokens(), 1e-9);
    assertEquals(4_000, bucket.idleAfterMs(new TokenBucket.State(6, 0)));
  }
}
