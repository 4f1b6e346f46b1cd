package dev.discordbridge.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.AbstractMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaseProcessorTest {
  private static final long LEASE = 60_000;

  private static LeaseState run(Map.Entry<String, LeaseState> entry, String node, long minEpoch) {
    return new LeaseProcessor(node, minEpoch, LEASE, false).process(entry);
  }

  @Test
  void firstCallerTakesTheLeaseWithItsMinimumEpoch() {
    var entry = new AbstractMap.SimpleEntry<String, LeaseState>("holder", null);
    LeaseState s = run(entry, "a", 7);
    assertEquals("a", s.holder());
    assertEquals(7, s.epoch());
    assertEquals(s, entry.getValue());
  }

  @Test
  void anotherNodeCannotTakeALiveLease() {
    var entry = new AbstractMap.SimpleEntry<String, LeaseState>("holder", null);
    run(entry, "a", 7);
    LeaseState s = run(entry, "b", 100);
    assertEquals("a", s.holder());
    assertEquals(7, s.epoch());
  }

  @Test
  void holderRenewsWithoutChangingTheEpoch() {
    var entry = new AbstractMap.SimpleEntry<>("holder", new LeaseState("a", 7, System.currentTimeMillis() + 10));
    LeaseState s = run(entry, "a", 9);
    assertEquals(7, s.epoch());
    assertTrue(s.expiresAt() > System.currentTimeMillis() + LEASE / 2);
  }

  @Test
  void expiredLeaseGoesToTheNextNodeWithALargerEpoch() {
    var entry = new AbstractMap.SimpleEntry<>("holder", new LeaseState("a", 7, System.currentTimeMillis() - 1));
    LeaseState s = run(entry, "b", 3);
    assertEquals("b", s.holder());
    assertEquals(8, s.epoch(), "fencing: above every earlier epoch even when the caller asked for less");
  }

  @Test
  void releaseKeepsTheEpochAndFreesTheLease() {
    var entry = new AbstractMap.SimpleEntry<>("holder", new LeaseState("a", 7, System.currentTimeMillis() + LEASE));
    LeaseState released = new LeaseProcessor("a", 0, LEASE, true).process(entry);
    assertNull(released.holder());
    assertEquals(7, released.epoch());
    assertEquals(8, run(entry, "b", 0).epoch());
  }

  @Test
  void releaseByANonHolderChangesNothing() {
    var held = new LeaseState("a", 7, System.currentTimeMillis() + LEASE);
    var entry = new AbstractMap.SimpleEntry<>("holder", held);
    new LeaseProcessor("b", 0, LEASE, true).process(entry);
    assertEquals(held, entry.getValue());
  }
}
