package dev.discordbridge.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.Serializable;
import java.util.Map;

/**
 * Direct Discord mode's daily session starts as one count for the whole cluster, beside the
 * Identify pacing ({@link HazelcastPacer}): every node spends from it and sets it from
 * {@code GET /gateway/bot}, atomically on the key's partition owner. Within one period the count
 * only goes down (a start spent by one node may not have reached Discord when another read it);
 * once the period has passed, Discord's new answer replaces it.
 */
public final class HazelcastIdentifyBudget {
  public static final String MAP = "bridge.discord.identify";
  private static final String KEY = "session-starts";

  private final Vertx vertx;
  private final IMap<String, Count> map;

  /** The count and when it stops being valid (epoch millis). */
  record Count(int remaining, long resetAt) implements Serializable {}

  public HazelcastIdentifyBudget(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP);
  }

  /** Takes one start when more than {@code keep} are left and the count is valid at {@code now}; the starts left, or -1. */
  public Future<Integer> take(int keep, long now) {
    return Future.fromCompletionStage(map.submitToKey(KEY, new Take(keep, now)), vertx.getOrCreateContext());
  }

  /** Discord's count, read at {@code now}. */
  public Future<Void> set(int remaining, long resetAt, long now) {
    return Future.fromCompletionStage(map.submitToKey(KEY, new Set(remaining, resetAt, now)), vertx.getOrCreateContext())
        .mapEmpty();
  }

  static final class Take implements EntryProcessor<String, Count, Integer> {
    private static final long serialVersionUID = 1L;
    private final int keep;
    private final long now;

    Take(int keep, long now) {
      this.keep = keep;
      this.now = now;
    }

    @Override
    public Integer process(Map.Entry<String, Count> entry) {
      Count c = entry.getValue();
      if (c == null || now >= c.resetAt() || c.remaining() <= keep) {
        return -1;
      }
      entry.setValue(new Count(c.remaining() - 1, c.resetAt()));
      return c.remaining() - 1;
    }
  }

  static final class Set implements EntryProcessor<String, Count, Integer> {
    private static final long serialVersionUID = 1L;
    private final int remaining;
    private final long resetAt;
    private final long now;

    Set(int remaining, long resetAt, long now) {
      this.remaining = remaining;
      this.resetAt = resetAt;
      this.now = now;
    }

    @Override
    public Integer process(Map.Entry<String, Count> entry) {
      Count c = entry.getValue();
      Count next = c == null || now >= c.resetAt() ? new Count(remaining, resetAt)
          : new Count(Math.min(c.remaining(), remaining), resetAt);
      entry.setValue(next);
      return next.remaining();
    }
  }
}
