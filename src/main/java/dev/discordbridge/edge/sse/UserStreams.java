package dev.discordbridge.edge.sse;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The node-wide count of open streams per user (contract v1.2 section 2, SSE_MAX_STREAMS_PER_USER),
 * shared by every router instance of the node: a user's streams are spread over the instances
 * (connections go round-robin), so no instance can count them alone. Each stream gets a key that
 * grows with its opening; opening one past the cap gives the keys of the user's oldest streams to
 * end (the instances holding them are told over the bus, {@code bridge.stream.evict}). A key is
 * handed out for eviction once only. Thread-safe (one short lock per open and close).
 */
public final class UserStreams {
  /** What opening a stream gives: its key, and the keys of the user's streams to end now (oldest first). */
  record Admission(long key, List<Long> evict) {}

  private final int max;
  private final Map<String, ArrayDeque<Long>> byUser = new HashMap<>();
  private long nextKey;

  public UserStreams(int max) {
    this.max = max;
  }

  int max() {
    return max;
  }

  synchronized Admission open(String userId) {
    long key = nextKey++;
    ArrayDeque<Long> keys = byUser.computeIfAbsent(userId, u -> new ArrayDeque<>());
    keys.addLast(key);
    if (keys.size() <= max) {
      return new Admission(key, List.of());
    }
    Long[] evict = new Long[keys.size() - max];
    for (int i = 0; i < evict.length; i++) {
      evict[i] = keys.pollFirst();
    }
    return new Admission(key, List.of(evict));
  }

  /** A stream ended (evicted ones too: then it is no longer counted and this does nothing). */
  synchronized void closed(String userId, long key) {
    ArrayDeque<Long> keys = byUser.get(userId);
    if (keys != null && keys.remove(key) && keys.isEmpty()) {
      byUser.remove(userId);
    }
  }

  /** Streams of {@code userId} counted now. */
  synchronized int count(String userId) {
    ArrayDeque<Long> keys = byUser.get(userId);
    return keys == null ? 0 : keys.size();
  }
}
