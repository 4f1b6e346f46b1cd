package dev.discordbridge.edge.sse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The open streams of one router instance, indexed by guild and by user (O(1) removal). A stream
 * that closes while a fan-out loop walks these lists is unlinked when the loop ends
 * ({@link #beginFanout}/{@link #endFanout}), so no loop sees a list change under it. One event
 * loop owns it: no locking.
 */
final class StreamRegistry {
  private final SseMetrics metrics;
  /** The node-wide count of each user's streams, or null (not counted). */
  private final UserStreams users;
  private final List<SseConnection> all = new ArrayList<>();
  private final Map<String, List<SseConnection>> byGuild = new HashMap<>();
  private final Map<String, List<SseConnection>> byUser = new HashMap<>();
  private boolean fanningOut;
  private final List<SseConnection> deferredDetach = new ArrayList<>();

  StreamRegistry(SseMetrics metrics, UserStreams users) {
    this.metrics = metrics;
    this.users = users;
  }

  int size() {
    return all.size();
  }

  SseConnection get(int i) {
    return all.get(i);
  }

  /** A copy of every open stream, for walks that close streams as they go. */
  List<SseConnection> snapshot() {
    return new ArrayList<>(all);
  }

  /** The streams subscribed to a guild, or null. */
  List<SseConnection> ofGuild(String guildId) {
    return byGuild.get(guildId);
  }

  /** The streams of a user, or null. */
  List<SseConnection> ofUser(String userId) {
    return byUser.get(userId);
  }

  // ---- Discord's permissions: open streams follow changes without reconnecting ----

  /**
   * The permissions of a guild changed (roles, overwrites, channels, owner), or, with a user, that
   * user's roles there: every open stream concerned gets its visible set of that guild recomputed.
   * Events already written stay written; from the next event on, the new set applies.
   */
  void reviewViews(String guildId, String userId, BiFunction<String, String, Set<String>> view) {
    List<SseConnection> targets = userId == null ? ofGuild(guildId) : ofUser(userId);
    if (targets == null) {
      return;
    }
    for (int i = 0, n = targets.size(); i < n; i++) {
      SseConnection c = targets.get(i);
      if (!c.closed && c.visible != null && c.filter.allowsGuild(guildId)) {
        Map<String, Set<String>> next = new HashMap<>(c.visible);
        next.put(guildId, view.apply(guildId, c.userId));
        c.visible = next;
      }
    }
  }

  /** Every (guild, user) an open stream filters by Discord's permissions (for the periodic role refresh). */
  void forEachViewed(BiConsumer<String, String> pair) {
    for (int i = 0, n = all.size(); i < n; i++) {
      SseConnection c = all.get(i);
      if (!c.closed && c.visible != null) {
        c.visible.keySet().forEach(g -> pair.accept(g, c.userId));
      }
    }
  }

  /** A loop over these lists starts: closes are deferred until {@link #endFanout}. */
  void beginFanout() {
    fanningOut = true;
  }

  void endFanout() {
    fanningOut = false;
    if (!deferredDetach.isEmpty()) {
      for (SseConnection c : deferredDetach) {
        unlink(c);
      }
      deferredDetach.clear();
    }
  }

  void attach(SseConnection c) {
    c.index = all.size();
    all.add(c);
    for (String g : c.filter.guilds()) {
      byGuild.computeIfAbsent(g, k -> new ArrayList<>()).add(c);
    }
    byUser.computeIfAbsent(c.userId, k -> new ArrayList<>()).add(c);
    metrics.connections.incrementAndGet();
  }

  /** Marks the stream closed and unlinks it (at once, or when the running fan-out ends). */
  void detach(SseConnection c) {
    if (c.closed) {
      return;
    }
    c.closed = true;
    if (users != null && c.userKey >= 0) {
      users.closed(c.userId, c.userKey);
    }
    if (fanningOut) {
      deferredDetach.add(c);
    } else {
      unlink(c);
    }
  }

  private void unlink(SseConnection c) {
    int last = all.size() - 1;
    SseConnection moved = all.get(last);
    all.set(c.index, moved);
    moved.index = c.index;
    all.remove(last);
    for (String g : c.filter.guilds()) {
      removeFrom(byGuild, g, c);
    }
    removeFrom(byUser, c.userId, c);
    metrics.connections.decrementAndGet();
  }

  private static void removeFrom(Map<String, List<SseConnection>> index, String key, SseConnection c) {
    List<SseConnection> list = index.get(key);
    if (list == null) {
      return;
    }
    for (int i = list.size() - 1; i >= 0; i--) {
      if (list.get(i) == c) {
        int last = list.size() - 1;
        list.set(i, list.get(last));
        list.remove(last);
        break;
      }
    }
    if (list.isEmpty()) {
      index.remove(key);
    }
  }
}
