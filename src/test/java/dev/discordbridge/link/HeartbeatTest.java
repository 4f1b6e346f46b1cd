package dev.discordbridge.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeartbeatTest {

  /** A fake clock: a timer runs when the clock is advanced to its due time. */
  static final class FakeTimers implements Heartbeat.Timers {
    private record Task(long due, long id, Runnable run) {}

    private final List<Task> tasks = new ArrayList<>();
    private long now;
    private long nextId;

    @Override
    public long schedule(long delayMs, Runnable task) {
      long id = nextId++;
      tasks.add(new Task(now + delayMs, id, task));
      return id;
    }

    @Override
    public void cancel(long id) {
      tasks.removeIf(t -> t.id() == id);
    }

    void advance(long ms) {
      long until = now + ms;
      while (true) {
        Task next = tasks.stream().filter(t -> t.due() <= until)
            .min(Comparator.comparingLong(Task::due).thenComparingLong(Task::id)).orElse(null);
        if (next == null) {
          break;
        }
        tasks.remove(next);
        now = next.due();
        next.run().run();
      }
      now = until;
    }

    int pending() {
      return tasks.size();
    }
  }

  private final FakeTimers timers = new FakeTimers();
  private final List<Long> beats = new ArrayList<>();
  private final List<Long> zombies = new ArrayList<>();
  private final Heartbeat heartbeat = new Heartbeat(timers, () -> beats.add(timers.now), zombies::add);

  @Test
  void beatsAfterTheFirstDelayThenEveryInterval() {
    heartbeat.start(100, 30);
    timers.advance(29);
    assertEquals(List.of(), beats);
    timers.advance(1);
    assertEquals(List.of(30L), beats);
    for (int i = 0; i < 3; i++) {
      heartbeat.acked();
      timers.advance(100);
    }
    assertEquals(List.of(30L, 130L, 230L, 330L), beats);
    assertEquals(List.of(), zombies);
  }

  @Test
  void aFirstDelayThatIsNotPositiveBeatsAtOnce() {
    heartbeat.start(100, 0);
    assertEquals(List.of(0L), beats);
    assertTrue(heartbeat.awaitingAck());
  }

  @Test
  void aBeatDueWhileTheLastIsUnacknowledgedIsAZombieReportedOnceInsteadOfTheBeat() {
    heartbeat.start(100, 100);
    timers.advance(100);
    assertEquals(1, beats.size());
    timers.advance(100);
    assertEquals(List.of(100L), zombies, "the zombie is reported with the interval");
    assertEquals(1, beats.size(), "no beat is sent to a zombie");
    timers.advance(10_000);
    assertEquals(1, zombies.size());
    assertEquals(1, beats.size());
    assertEquals(0, timers.pending(), "a zombie stops the heartbeat");
  }

  @Test
  void stoppingCancelsTheTimerAndForgetsTheMissingAck() {
    heartbeat.start(100, 100);
    timers.advance(100);
    heartbeat.stop();
    assertFalse(heartbeat.awaitingAck());
    timers.advance(1_000);
    assertEquals(1, beats.size());
    assertEquals(0, timers.pending());
    heartbeat.start(50, 50); // a new handshake: the beat before it is not awaited
    timers.advance(50);
    assertEquals(2, beats.size());
    assertEquals(List.of(), zombies);
  }

  @Test
  void startingAgainReplacesTheSchedule() {
    heartbeat.start(100, 100);
    timers.advance(60);
    heartbeat.start(100, 100);
    assertEquals(1, timers.pending());
    timers.advance(99);
    assertEquals(List.of(), beats);
    timers.advance(1);
    assertEquals(List.of(160L), beats);
    assertEquals(100, heartbeat.intervalMs());
  }

  @Test
  void aBeatThatStopsTheHeartbeatSchedulesNoOther() {
    Heartbeat[] self = new Heartbeat[1];
    self[0] = new Heartbeat(timers, () -> self[0].stop(), zombies::add);
    self[0].start(100, 0);
    assertEquals(0, timers.pending());
  }
}
