package dev.discordbridge.bus;

import io.vertx.core.json.JsonObject;

/**
 * The reply of {@link Addresses#CLUSTER_STATUS_QUERY}: cluster membership as this node sees it.
 *
 * @param ok ready: this node is in a cluster of at least {@code quorum} members
 * @param safe no partition migration is running and this node's partitions have their backups in
 *     sync (Hazelcast's "local member safe"): another member may be stopped now without losing data
 */
public record ClusterStatus(boolean clustered, int members, int quorum, boolean ok, boolean safe) {
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
