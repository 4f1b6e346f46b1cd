package dev.discordbridge.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * The reply of {@link Addresses#CLUSTER_STATUS_QUERY}: cluster membership as this node sees it.
 *
 * @param ok ready: this node is in a cluster of at least {@code quorum} members
 * @param safe no partition migration is running and this node's partitions have their backups in
 *     sync (Hazelcast's "local member safe"): another member may be stopped now without losing data
 */
public record ClusterStatus(boolean clustered, int members, int quorum, boolean ok, boolean safe) {
  /** A node on its own (nobody answers {@link Addresses#CLUSTER_STATUS_QUERY}): one member, always ready. */
  public static final ClusterStatus NOT_CLUSTERED = new ClusterStatus(false, 1, 1, true, true);

  /**
   * Asks this node; {@link #NOT_CLUSTERED} when the node is not clustered (no handler). Fails on a
   * timeout or any other failure.
   */
  public static Future<ClusterStatus> query(Vertx vertx, long timeoutMs) {
    return vertx.eventBus().<ClusterStatus>request(Addresses.CLUSTER_STATUS_QUERY, null,
            new DeliveryOptions().setLocalOnly(true).setSendTimeout(timeoutMs))
        .map(m -> m.body())
        .recover(err -> err instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS
            ? Future.succeededFuture(NOT_CLUSTERED) : Future.failedFuture(err));
  }

  public ClusterStatus {
    if (members < 0 || quorum < 1) {
      throw new IllegalArgumentException("need members >= 0 and quorum >= 1, got " + members + ", " + quorum);
    }
  }

  /** The body of the {@code cluster} check of /health/ready. */
  public JsonObject toJson() {
    return new JsonObject().put("clustered", clustered).put("members", members).put("quorum", quorum).put("ok", ok)
        .put("safe", safe);
  }
}
