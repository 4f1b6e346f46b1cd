package dev.discordbridge.sim;

import dev.discordbridge.contract.Ids;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayDeque;

/** One session of the simulated hub: its id, seq, the frames kept for resumes, and the socket it is bound to. Hub-confined. */
final class HubSessionState {
  /** An event frame as sent, kept for resumes. */
  record Sent(long seq, String text) {}

  final String id;
  /** Sessions created before a later generation cannot be resumed ({@link SimulatedHub#sessionGeneration}). */
  final long generation;
  final ArrayDeque<Sent> history = new ArrayDeque<>();
  long seq;
  ServerWebSocket socket;

  HubSessionState(long generation) {
    this("sess_" + Ids.newEventId().substring(4), generation);
  }

  HubSessionState(String id, long generation) {
    this.id = id;
    this.generation = generation;
  }

  /** True when every event after {@code after} (null: from the start) is still in the history. */
  boolean canReplayAfter(Long after) {
    long from = after == null ? 0 : after;
    if (from < 0 || from > seq) {
      return false;
    }
    return from == seq || (!history.isEmpty() && history.peekFirst().seq() <= from + 1);
  }
}
