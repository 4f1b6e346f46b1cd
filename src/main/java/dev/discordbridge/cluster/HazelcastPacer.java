package dev.discordbridge.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * Cluster-wide pacing: at most one slot per {@code spacingMs} per key, whichever node asks
 * (direct Discord mode's Identify: one per 5 s per {@code max_concurrency} bucket, across every
 * node that holds a shard). A slot is reserved atomically on the key's partition owner; the
 * answer is how long the caller must wait before using it.
 */
public final class HazelcastPacer {
  public static final String MAP = "bridge.discord.pacing";

  private final Vertx vertx;
  private final IMap<String, Long> map;

  public HazelcastPacer(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP);
  }

  /** Reserves the next free slot of {@code key}; completes with the milliseconds to wait until it starts. */
  public Future<Long> reserve(String key, long spacingMs) {
    return Future.fromCompletionStage(map.submitToKey(key, new Reserve(spacingMs)), vertx.getOrCreateContext());
  }

  /** Runs on the partition owner: the slot starts at the later of now and the key's next free time. */
  static final class Reserve implements EntryProcessor<String, Long, Long> {
    private static final long serialVersionUID = 1L;
    private final long spacingMs;

    Reserve(long spacingMs) {
      this.spacingMs = spacingMs;
    }

    @Override
    public Long process(Map.Entry<String, Long> entry) {
      long now = System.currentTimeMillis();
      long start = entry.getValue() == null ? now : Math.max(now, entry.getValue());
      entry.setValue(start + spacingMs);
      return start - now;
    }
  }
}
