package dev.discordbridge.link;

import dev.discordbridge.contract.StreamEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} events this node saw on the bus, resets and ephemeral events
 * included, in stream-id order: what a handover serves to a new holder that, or whose peers,
 * missed some of them. Not thread-safe ({@code LinkVerticle}'s context owns it).
 */
final class RecentEvents {
  private final StreamEvent[] ring;
  private int start;
  private int size;
  private long tail = -1;
  /** The highest id that fell out of the ring, -1 while none did. */
  private long evictedThrough = -1;

  RecentEvents(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, got " + capacity);
    }
    ring = new StreamEvent[capacity];
  }

  /** Records {@code e}; an id not above the last one (a repair, a duplicate) is ignored. */
  void add(StreamEvent e) {
    if (e.streamId() <= tail) {
      return;
    }
    tail = e.streamId();
    if (size == ring.length) {
      evictedThrough = ring[start].streamId();
      ring[start] = null;
      start = (start + 1) % ring.length;
      size--;
    }
    ring[(start + size) % ring.length] = e;
    size++;
  }

  /** The highest stream id seen, -1 before any. */
  long tail() {
    return tail;
  }

  /** True when every event this node saw with an id above {@code after} is still here. */
  boolean covers(long after) {
    return evictedThrough <= after;
  }

  /** The events with {@code after < id <= through}, oldest first. */
  List<StreamEvent> range(long after, long through) {
    List<StreamEvent> out = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      StreamEvent e = ring[(start + i) % ring.length];
      if (e.streamId() > through) {
        break;
      }
      if (e.streamId() > after) {
        out.add(e);
      }
    }
    return out;
  }

  int size() {
    return size;
  }
}
