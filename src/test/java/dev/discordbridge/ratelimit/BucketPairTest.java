package dev.discordbridge.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.RateDecision;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BucketPairTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final LocalBucketStore store = new LocalBucketStore(now::get);
  /** user 2/10s (5 s per token), channel 3/3s (1 s per token). */
  private final BucketPair pair = new BucketPair(store, new TokenBucket(2, 10_000), new TokenBucket(3, 3_000));

  private RateDecision check(String user, String channel) {
    return pair.check(user, channel).result();
  }

  @Test
  void userBucketRefusesWithUserScopeAndExactWait() {
    assertTrue(check("u1", "c1").allowed());
    assertTrue(check("u1", "c2").allowed());
    var d = check("u1", "c3");
    assertEquals(new RateDecision(false, "user", 5_000), d);
    now.addAndGet(5_000);
    assertTrue(check("u1", "c3").allowed());
  }

  @Test
  void channelRefusalTakesNothingFromTheUser() {
    assertTrue(check("a", "busy").allowed());
    assertTrue(check("b", "busy").allowed());
    assertTrue(check("c", "busy").allowed());
    var d = check("d", "busy");
    assertEquals(new RateDecision(false, "channel", 1_000), d);
    // both-or-none: d's user token was given back, so d still has its whole burst elsewhere
    assertTrue(check("d", "quiet1").allowed());
    assertTrue(check("d", "quiet2").allowed());
    assertEquals("user", check("d", "quiet3").scope());
  }

  @Test
  void refusedUserTakesNothingFromTheChannel() {
    assertTrue(check("x", "c").allowed());
    assertTrue(check("x", "c").allowed());
    assertEquals("user", check("x", "c").scope());
    assertEquals("user", check("x", "c").scope());
    // the channel gave 2 tokens, not 4: one is still there
    assertTrue(check("y", "c").allowed());
    assertEquals("channel", check("z", "c").scope());
  }

  @Test
  void whenBothAreEmptyTheLongerWaitIsNamed() {
    var slowChannel = new BucketPair(store, new TokenBucket(1, 1_000), new TokenBucket(1, 60_000));
    assertTrue(slowChannel.check("p", "ch").result().allowed());
    var d = slowChannel.check("p", "ch").result();
    assertEquals(new RateDecision(false, "channel", 60_000), d);
  }

  @Test
  void idleBucketsAreEvicted() {
    check("u", "c");
    assertEquals(2, store.size());
    now.addAndGet(4_999);
    assertEquals(1, store.evictIdle(), "the channel bucket is full again after 1 s; the user's needs 5 s");
    now.addAndGet(1);
    assertEquals(1, store.evictIdle());
    assertEquals(0, store.size());
  }
}
