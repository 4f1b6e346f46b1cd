package dev.discordbridge.discord;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The content of the most recent messages by id, so that a partial MESSAGE_UPDATE (Discord may
 * omit the content) keeps what it omits and an unchanged one (an embed unfurling) is not told as
 * an edit. Bounded: the least recently used entries go first. Not thread-safe: one owner.
 */
final class RecentContents {
  /** About 2 MB at most with typical message sizes. */
  static final int DEFAULT_ENTRIES = 10_000;

  private final LinkedHashMap<String, String> byId;

  RecentContents(int maxEntries) {
    if (maxEntries <= 0) {
      throw new IllegalArgumentException("maxEntries must be positive");
    }
    this.byId = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
        return size() > maxEntries;
      }
    };
  }

  String get(String messageId) {
    return messageId == null ? null : byId.get(messageId);
  }

  void put(String messageId, String content) {
    if (messageId != null && content != null) {
      byId.put(messageId, content);
    }
  }

  void remove(String messageId) {
    if (messageId != null) {
      byId.remove(messageId);
    }
  }

  int size() {
    return byId.size();
  }
}
