package dev.discordbridge.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamIdsTest {

  @Test
  void packsEpochAndCounter() {
    long id = StreamIds.of(7, 42);
    assertEquals(7, StreamIds.epoch(id));
    assertEquals(42, StreamIds.counter(id));
  }

  @Test
  void formatsAs19DigitsThatSortLikeNumbers() {
    long a = StreamIds.of(1, 9);
    long b = StreamIds.of(1, 10);
    long c = StreamIds.of(2, 0);
    assertEquals(19, StreamIds.format(a).length());
    assertTrue(StreamIds.format(a).compareTo(StreamIds.format(b)) < 0);
    assertTrue(StreamIds.format(b).compareTo(StreamIds.format(c)) < 0);
    assertEquals("0000001099511627817", StreamIds.format(StreamIds.of(256, 41)));
  }

  @Test
  void parsesOnlyItsOwnShape() {
    long id = StreamIds.of(3, 5);
    assertEquals(id, StreamIds.parse(StreamIds.format(id)));
    assertEquals(-1, StreamIds.parse(null));
    assertEquals(-1, StreamIds.parse(""));
    assertEquals(-1, StreamIds.parse("12a"));
    assertEquals(-1, StreamIds.parse("-5"));
    assertEquals(-1, StreamIds.parse("99999999999999999999"));
  }

  @Test
  void nextEpochFollowsTheClockButStaysAboveWhatWasSeen() {
    long now = (StreamIds.EPOCH_ORIGIN_SECONDS + 500) * 1000;
    assertEquals(500, StreamIds.nextEpoch(now, -1));
    assertEquals(500, StreamIds.nextEpoch(now, StreamIds.of(100, 3)));
    assertEquals(901, StreamIds.nextEpoch(now, StreamIds.of(900, 3)));
    assertEquals(1, StreamIds.nextEpoch(0, -1));
  }

  @Test
  void rejectsOutOfRange() {
    assertThrows(IllegalArgumentException.class, () -> StreamIds.of(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> StreamIds.of(0, StreamIds.MAX_COUNTER + 1));
    assertThrows(IllegalArgumentException.class, () -> StreamIds.of(StreamIds.MAX_EPOCH + 1, 0));
  }
}
