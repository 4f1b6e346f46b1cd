package dev.discordbridge.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.Serializable;
import java.util.Map;

/**
 * What direct Discord mode's shard leases need besides the leases themselves, on the cluster's
 * Hazelcast: the one shard count every node uses (the first node's sets it; it lasts as long as
 * the cluster) and, per shard, where its session can be resumed, written under the writer's lease
 * epoch so that an old holder's late write never overwrites a newer holder's.
 */
public final class HazelcastShardRecords {
  public static final String MAP = "bridge.discord.shards";
  private static final String COUNT = "count";

  private final Vertx vertx;
  private final IMap<String, Record> map;

  /** A value and the lease epoch it was written under (0 for the count). */
  record Record(long epoch, String value) implements Serializable {}

  public HazelcastShardRecords(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP);
  }

  /** The cluster's shard count: {@code proposed} when none is set yet, else the one set. */
  public Future<Integer> shardCount(int proposed) {
    return Future.fromCompletionStage(map.submitToKey(COUNT, new FirstCount(proposed)), vertx.getOrCreateContext());
  }

  /** Saves the shard's resume position under {@code epoch}; refused (false) when a newer epoch wrote it. */
  public Future<Boolean> savePosition(int shardId, long epoch, JsonObject position) {
    return Future.fromCompletionStage(map.submitToKey("position-" + shardId, new Save(epoch, position.encode())),
        vertx.getOrCreateContext());
  }

  /** The last position saved for the shard, or null. */
  public Future<JsonObject> position(int shardId) {
    return Future.fromCompletionStage(map.getAsync("position-" + shardId), vertx.getOrCreateContext())
        .map(r -> r == null ? null : new JsonObject(r.value()).put("epoch", r.epoch()));
  }

  /** Sets the count when none is set; answers the count set. */
  static final class FirstCount implements EntryProcessor<String, Record, Integer> {
    private static final long serialVersionUID = 1L;
    private final int proposed;

    FirstCount(int proposed) {
      this.proposed = proposed;
    }

    @Override
    public Integer process(Map.Entry<String, Record> entry) {
      if (entry.getValue() == null) {
        entry.setValue(new Record(0, Integer.toString(proposed)));
        return proposed;
      }
      return Integer.parseInt(entry.getValue().value());
    }
  }

  static final class Save implements EntryProcessor<String, Record, Boolean> {
    private static final long serialVersionUID = 1L;
    private final long epoch;
    private final String value;

    Save(long epoch, String value) {
      this.epoch = epoch;
      this.value = value;
    }

    @Override
    public Boolean process(Map.Entry<String, Record> entry) {
      Record current = entry.getValue();
      if (current != null && current.epoch() > epoch) {
        return false;
      }
      entry.setValue(new Record(epoch, value));
      return true;
    }
  }
}
