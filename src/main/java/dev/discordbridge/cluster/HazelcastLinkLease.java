package dev.discordbridge.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The link lease on a Hazelcast map entry (two synchronous backups, {@link ClusterSetup}), changed only by
 * {@link LeaseProcessor} on its partition owner: at most one holder at a time, expiring after
 * {@link #leaseMillis} without renewal. The map is guarded by split-brain protection
 * ({@code CLUSTER_QUORUM}): on the minority side of a partition the lease can be neither taken
 * nor renewed, so a cut-off holder stops before its lease runs out.
 */
public final class HazelcastLinkLease implements LinkLease {
  public static final String MAP = "bridge.link.lease";
  private static final String KEY = "holder";

  private final Vertx vertx;
  private final IMap<String, LeaseState> map;
  private final long leaseMillis;
  private final String key;

  public HazelcastLinkLease(Vertx vertx, HazelcastInstance hazelcast, long leaseMillis) {
    this(vertx, hazelcast, leaseMillis, KEY);
  }

  /**
   * @param key which lease of the map: the link's ({@code holder}) or another one held the same way
   *     (direct Discord mode keeps one per shard, {@code shard-<id>})
   */
  public HazelcastLinkLease(Vertx vertx, HazelcastInstance hazelcast, long leaseMillis, String key) {
    this.vertx = vertx;
    this.map = hazelcast.getMap(MAP);
    this.leaseMillis = leaseMillis;
    this.key = key;
  }

  @Override
  public Future<Grant> acquireOrRenew(String nodeId, long minEpoch) {
    return Future.fromCompletionStage(map.submitToKey(key, new LeaseProcessor(nodeId, minEpoch, leaseMillis, false)),
            vertx.getOrCreateContext())
        .map(state -> new Grant(state.holder(), state.epoch(), state.expiresAt()));
  }

  @Override
  public Future<Void> release(String nodeId) {
    return Future.fromCompletionStage(map.submitToKey(key, new LeaseProcessor(nodeId, 0, leaseMillis, true)),
        vertx.getOrCreateContext()).mapEmpty();
  }

  @Override
  public long leaseMillis() {
    return leaseMillis;
  }
}
