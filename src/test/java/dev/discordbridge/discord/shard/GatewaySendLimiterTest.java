package dev.discordbridge.discord.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GatewaySendLimiterTest {

  @Test
  void otherPayloadsGetAllButTheHeartbeatReserve() {
    var limiter = new GatewaySendLimiter();
    for (int i = 0; i < 110; i++) {
      assertTrue(limiter.tryAcquire(1000 + i));
    }
    assertFalse(limiter.tryAcquire(2000));
    for (int i = 0; i < 10; i++) {
      limiter.heartbeat(3000 + i);
    }
    assertEquals(120, limiter.inWindow(3010), "heartbeats fit in the reserve: 120 in the window, never more");
    limiter.heartbeat(3020);
    assertEquals(121, limiter.inWindow(3020), "a heartbeat always goes");
  }

  @Test
  void theWindowSlidesAndWaitSaysWhen() {
    var limiter = new GatewaySendLimiter(5, 2, 1000);
    assertTrue(limiter.tryAcquire(0));
    assertTrue(limiter.tryAcquire(100));
    assertTrue(limiter.tryAcquire(200));
    assertFalse(limiter.tryAcquire(300));
    assertEquals(700, limiter.waitMs(300), "the oldest send leaves the window at 1000");
    assertFalse(limiter.tryAcquire(999));
    assertTrue(limiter.tryAcquire(1000));
    assertEquals(0, limiter.waitMs(1100), "the send at 100 left at 1100");
    assertTrue(limiter.tryAcquire(1100));
  }

  @Test
  void heartbeatsCountAgainstOtherPayloads() {
    var limiter = new GatewaySendLimiter(5, 2, 1000);
    limiter.heartbeat(0);
    limiter.heartbeat(10);
    assertTrue(limiter.tryAcquire(20));
    assertFalse(limiter.tryAcquire(30), "3 of 5 used: the 2 left are the heartbeat reserve");
    assertEquals(970, limiter.waitMs(30));
  }

  @Test
  void resetStartsAFreshConnection() {
    var limiter = new GatewaySendLimiter(3, 1, 60_000);
    assertTrue(limiter.tryAcquire(0));
    assertTrue(limiter.tryAcquire(0));
    assertFalse(limiter.tryAcquire(0));
    limiter.reset();
    assertTrue(limiter.tryAcquire(0));
  }
}
