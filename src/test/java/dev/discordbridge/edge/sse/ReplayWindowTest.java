package dev.discordbridge.edge.sse;

import static dev.discordbridge.edge.TestEvents.id;
import static dev.discordbridge.edge.TestEvents.message;
import static dev.discordbridge.edge.TestEvents.typing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamIds;
import dev.discordbridge.edge.TestEvents;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {

  private static ReplayWindow<String> windowWith(int capacity, long... counters) {
    var w = new ReplayWindow<String>(capacity);
    for (long c : counters) {
      w.offer(message(c), "f" + c);
    }
    return w;
  }

  private static List<Long> after(ReplayWindow<String> w, long lastId) {
    List<Long> out = new ArrayList<>();
    for (int i = w.indexAfter(lastId); i < w.size(); i++) {
      out.add(StreamIds.counter(w.event(i).streamId()));
    }
    return out;
  }

  @Test
  void freshWindowCannotProveAnything() {
    var w = new ReplayWindow<String>(10);
    assertEquals(ReplayWindow.Outcome.RESET, w.resolve(id(5)));
    assertEquals(-1, w.resetResumeId());
  }

  @Test
  void idInsideWindowReplaysEverythingAfterIt() {
    var w = windowWith(10, 1, 2, 3, 4, 5);
    assertEquals(ReplayWindow.Outcome.REPLAY, w.resolve(id(2)));
    assertEquals(List.of(3L, 4L, 5L), after(w, id(2)));
    assertEquals(ReplayWindow.Outcome.REPLAY, w.resolve(id(5)));
    assertEquals(List.of(), after(w, id(5)));
    // The first event seen is the proof point: an id before it cannot be resumed.
    assertEquals(ReplayWindow.Outcome.REPLAY, w.resolve(id(1)));
    assertEquals(ReplayWindow.Outcome.RESET, w.resolve(id(0)));
  }

  @Test
  void capacityEvictsOldestAndMovesTheProofPoint() {
    var w = windowWith(3, 1, 2, 3, 4, 5);
    assertEquals(3, w.size());
    assertEquals(List.of(3L, 4L, 5L), after(w, 0));
    assertEquals(id(2), w.minResumable());
    assertEquals(ReplayWindow.Outcome.REPLAY, w.resolve(id(2)));
    assertEquals(ReplayWindow.Outcome.RESET, w.resolve(id(1)));
  }

  @Test
  void windowGrowsPastItsInitialArraysAndStaysOrdered() {
    var w = new ReplayWindow<String>(5000);
    for (int i = 1; i <= 6000; i++) {
      w.offer(message(i), "f");
    }
    assertEquals(5000, w.size());
    assertEquals(id(1000), w.minResumable());
    assertEquals(List.of(5999L, 6000L), after(w, id(5998)));
  }

  @Test
  void typingStartAdvancesTheHeadButIsNeverStored() {
    var w = new ReplayWindow<String>(10);
    w.offer(message(1), "a");
    w.offer(typing(2), "t");
    w.offer(message(3), "b");
    assertEquals(id(3), w.head());
    assertEquals(List.of(3L), after(w, id(1)));
    // A client whose last id is the typing event resumes too.
    assertEquals(ReplayWindow.Outcome.REPLAY, w.resolve(id(2)));
    assertEquals(List.of(3L), after(w, id(2)));
  }

  @Test
  void duplicatesAndStaleEventsAreRefused() {
    var w = windowWith(10, 1, 2, 3);
    assertFalse(w.offer(message(2), "dup"));
    assertFalse(w.isNew(message(3)));
    assertTrue(w.isNew(message(4)));
    assertEquals(3, w.size());
  }

  @Test
  void resetRestartsTheWindowAfterIt() {
    var w = windowWith(10, 1, 2, 3);
    w.reset(id(4));
    assertEquals(0, w.size());
    assertEquals(ReplayWindow.Outcome.RESET, w.resolve(id(3)));
    assertEquals(ReplayWindow.Outcome.REPLAY, w.resolve(id(4)));
    assertEquals(id(4), w.resetResumeId());
    w.offer(message(5), "x");
    assertEquals(List.of(5L), after(w, id(4)));
  }

  @Test
  void resetWithoutAFreshIdResetsEvenTheHead() {
    var w = windowWith(10, 1, 2, 3);
    w.reset(id(3));
    assertEquals(ReplayWindow.Outcome.RESET, w.resolve(id(3)));
    // The reset still names the current position (never an id-less reset): a resume from it is
    // reset once more, the conservative side, until the next event moves the head.
    assertEquals(id(3), w.resetResumeId());
    w.offer(message(4), "x");
    assertEquals(ReplayWindow.Outcome.REPLAY, w.resolve(id(4)));
    assertEquals(id(4), w.resetResumeId());
  }

  @Test
  void anAnchorGivesAFreshWindowAPositionToResumeFrom() {
    var w = new ReplayWindow<String>(10);
    assertEquals(-1, w.resetResumeId());
    w.anchor(id(7));
    assertEquals(id(7), w.resetResumeId());
    assertEquals(ReplayWindow.Outcome.REPLAY, w.resolve(id(7)));
    assertEquals(ReplayWindow.Outcome.RESET, w.resolve(id(6)), "before the anchor nothing is proven");
    w.offer(message(8), "x");
    assertEquals(List.of(8L), after(w, id(7)));
    w.anchor(id(20));
    assertEquals(id(8), w.head(), "an anchor never moves a window that has a head");
  }

  @Test
  void idSlightlyAheadOfTheHeadIsTrustedOnlyInTheSameEpoch() {
    var w = windowWith(10, 1, 2, 3);
    assertEquals(ReplayWindow.Outcome.AHEAD, w.resolve(id(5)));
    assertEquals(ReplayWindow.Outcome.RESET, w.resolve(id(3 + ReplayWindow.MAX_AHEAD + 1)));
    assertEquals(ReplayWindow.Outcome.RESET, w.resolve(StreamIds.of(TestEvents.EPOCH + 1, 0)));
  }

  @Test
  void zeroCapacityStillResumesAtTheHead() {
    var w = windowWith(0, 1, 2);
    assertEquals(ReplayWindow.Outcome.REPLAY, w.resolve(id(2)));
    assertEquals(ReplayWindow.Outcome.RESET, w.resolve(id(1)));
  }

  @Test
  void emptyWindowAdoptsAPeer() {
    var peer = windowWith(10, 1, 2, 3);
    var w = new ReplayWindow<String>(10);
    List<StreamEvent> events = new ArrayList<>();
    for (int i = 0; i < peer.size(); i++) {
      events.add(peer.event(i));
    }
    assertTrue(w.adopt(peer.minResumable(), peer.head(), events, e -> "p"));
    assertEquals(ReplayWindow.Outcome.REPLAY, w.resolve(id(1)));
    assertEquals(List.of(2L, 3L), after(w, id(1)));
    assertFalse(w.offer(message(3), "dup"));
    assertTrue(w.offer(message(4), "x"));
  }

  @Test
  void nonEmptyWindowAdoptsOnlyAnOverlappingPeer() {
    var w = windowWith(10, 5, 6);
    // The peer stops before our first event: a possible gap, refused.
    assertFalse(w.adopt(id(1), id(3), List.of(message(1), message(2), message(3)), e -> "p"));
    assertEquals(ReplayWindow.Outcome.RESET, w.resolve(id(3)));
    // The peer reaches our first event: the union is contiguous.
    assertTrue(w.adopt(id(1), id(5), List.of(message(2), message(3), message(4), message(5)), e -> "p"));
    assertEquals(ReplayWindow.Outcome.REPLAY, w.resolve(id(1)));
    assertEquals(List.of(2L, 3L, 4L, 5L, 6L), after(w, id(1)));
    assertEquals(id(6), w.head());
  }
}
