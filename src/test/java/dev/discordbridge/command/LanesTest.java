package dev.discordbridge.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Ids;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The queue's lanes as plain logic: the watchdog's checks and the half-open probe. */
class LanesTest {
  final Lanes lanes = new Lanes();
  final ArrayDeque<PendingCommand> queue = new ArrayDeque<>();

  PendingCommand queued(String channel) {
    var c = new GatewayCommand(Ids.newCommandId(), GatewayCommand.SEND_MESSAGE, "900000000000000001", channel,
        "900000000000000003", new JsonObject().put("content", "x"), Ids.newTraceId(), System.currentTimeMillis());
    PendingCommand p = new PendingCommand(c, null);
    queue.add(p);
    return p;
  }

  @Test
  void oneCommandPerChannelInQueueOrderUpToTheLimit() {
    PendingCommand a1 = queued("1");
    queued("1");
    PendingCommand b1 = queued("2");
    queued("3");
    assertEquals(List.of(a1, b1), lanes.startable(queue, false, 2));
  }

  @Test
  void aLaneHeldPastItsDeadlineIsFreedAndItsLateResultIsIgnored() {
    PendingCommand a = queued("1");
    PendingCommand b = queued("2");
    int turn = lanes.startAttempt(a, 1_000);
    lanes.startAttempt(b, 5_000);
    assertEquals(List.of(), lanes.startable(queue, false, 16), "both lanes taken");

    assertEquals(List.of(a), lanes.overdue(queue, 2_000));
    assertFalse(a.active);
    assertTrue(b.active, "a lane within its deadline is left alone");
    assertTrue(turn != a.turn, "the attempt's turn is over: its late result is ignored");
    assertEquals(1, lanes.sending());
    assertEquals(List.of(a), lanes.startable(queue, false, 16), "the channel moves again");
  }

  @Test
  void aLaneTakenByNoQueuedCommandIsFreed() {
    PendingCommand a = queued("1");
    lanes.startAttempt(a, Long.MAX_VALUE);
    queue.remove(a); // ended without its lane being given back: the bug this check guards against
    queued("1");
    assertEquals(List.of(), lanes.startable(queue, false, 16), "channel 1 looks busy");
    assertTrue(lanes.dropOrphans(queue));
    assertEquals(0, lanes.busy());
    assertEquals(0, lanes.sending());
    assertEquals(1, lanes.startable(queue, false, 16).size());
    assertFalse(lanes.dropOrphans(queue), "nothing to fix when the lanes match the queue");
  }

  @Test
  void aHalfOpenBreakersProbeStartsWhileOtherLanesWaitForTheirRetry() {
    for (int i = 0; i < 16; i++) {
      PendingCommand p = queued("w" + i);
      lanes.startAttempt(p, Long.MAX_VALUE);
      lanes.attemptEnded(p); // refused: the lane waits for its retry timer
    }
    PendingCommand probe = queued("probe");
    assertEquals(List.of(), lanes.startable(queue, false, 16), "closed: COMMAND_MAX_IN_FLIGHT lanes are taken");
    assertEquals(List.of(probe), lanes.startable(queue, true, 16), "half-open: the probe starts");
    lanes.startAttempt(probe, Long.MAX_VALUE);
    queued("another");
    assertEquals(List.of(), lanes.startable(queue, true, 16), "one probe at a time");
  }
}
