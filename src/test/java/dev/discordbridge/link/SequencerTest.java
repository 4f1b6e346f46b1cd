package dev.discordbridge.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.contract.StreamIds;
import org.junit.jupiter.api.Test;

class SequencerTest {
  private static final long NOW = (StreamIds.EPOCH_ORIGIN_SECONDS + 1_000) * 1000;

  @Test
  void idsGrowWithinATerm() {
    var s = new Sequencer();
    long epoch = s.startTerm(NOW);
    assertEquals(1_000, epoch);
    long a = s.next(NOW);
    long b = s.next(NOW);
    assertEquals(StreamIds.of(epoch, 1), a);
    assertEquals(StreamIds.of(epoch, 2), b);
    assertEquals(b, s.head());
  }

  @Test
  void aNewTermStartsAboveEverythingSeenEvenWithAClockBehind() {
    var s = new Sequencer();
    s.observe(StreamIds.of(5_000, 77));
    long epoch = s.startTerm(NOW);
    assertEquals(5_001, epoch);
    assertTrue(s.next(NOW) > StreamIds.of(5_000, 77));
  }

  @Test
  void counterOverflowTakesANewEpoch() {
    var s = new Sequencer();
    long epoch = s.startTerm(NOW);
    s.jumpCounter(StreamIds.MAX_COUNTER);
    long last = s.head();
    long next = s.next(NOW);
    assertTrue(next > last);
    assertEquals(epoch + 1, StreamIds.epoch(next));
    assertEquals(1, StreamIds.counter(next));
  }

  @Test
  void noIdsOutsideATerm() {
    var s = new Sequencer();
    assertThrows(IllegalStateException.class, () -> s.next(NOW));
    s.startTerm(NOW);
    s.next(NOW);
    s.endTerm();
    assertEquals(-1, s.head());
    assertThrows(IllegalStateException.class, () -> s.next(NOW));
  }

  @Test
  void aSecondTermOnTheSameNodeStaysAboveTheFirst() {
    var s = new Sequencer();
    s.startTerm(NOW);
    long first = s.next(NOW);
    s.endTerm();
    s.startTerm(NOW);
    assertTrue(s.next(NOW) > first);
  }
}
