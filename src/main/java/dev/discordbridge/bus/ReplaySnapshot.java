package dev.discordbridge.bus;

import dev.discordbridge.contract.StreamEvent;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * {@link Addresses#REPLAY_FETCH} reply: a sibling's replay window (the events, oldest first, with
 * the lowest resumable id and the head) and its voice presence ({@code {guild: {channel:
 * [members]}}}). {@link #NONE} (head -1) when the instance knows nothing or is the asker. The
 * address is local only: the record reaches the asker as the same instance, events unconverted.
 */
public record ReplaySnapshot(long min, long head, List<StreamEvent> events, JsonObject voice) {
  public static final ReplaySnapshot NONE = new ReplaySnapshot(-1, -1, List.of(), new JsonObject());

  public ReplaySnapshot {
    events = List.copyOf(events);
    if (voice == null) {
      voice = new JsonObject();
    }
  }

  public boolean known() {
    return head >= 0;
  }
}
