package dev.discordbridge.link;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last {@code capacity} event ids seen, across the socket and fallback ingestion: an event
 * whose id is still in the window is a duplicate. Least recently seen ids fall out first.
 * Not thread-safe (one verticle context owns it).
 */
public final class EventIdWindow {
  private final int capacity;
  private final LinkedHashMap<String, Boolean> ids;

  public EventIdWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, got " + capacity);
    }
    this.capacity = capacity;
    this.ids = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > EventIdWindow.this.capacity;
      }
    };
  }

  /** Records {@code id}; true when it was not in the window (the event is new). */
  public boolean firstSeen(String id) {
    return ids.put(id, Boolean.TRUE) == null;
  }

  public boolean contains(String id) {
    return ids.containsKey(id);
  }

  public int size() { return ids.size(); }

  public int capacity() { return capacity; }
}
