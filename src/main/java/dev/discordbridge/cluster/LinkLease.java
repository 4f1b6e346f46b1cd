package dev.discordbridge.cluster;

import io.vertx.core.Future;

/**
 * Who may hold the one upstream link. A node calls {@link #acquireOrRenew} periodically; the
 * answer says who holds the lease now and with which epoch (a fencing token: every new holder
 * gets a larger one, which becomes the epoch of its stream ids).
 *
 * <p>{@link LocalLinkLease} always grants (a node on its own); {@link HazelcastLinkLease}
 * arbitrates a cluster.
 */
public interface LinkLease {

  /**
   * @param nodeId this node
   * @param minEpoch the smallest epoch this node would accept if it becomes the holder (from the
   *     clock and the highest stream id it has seen)
   */
  Future<Grant> acquireOrRenew(String nodeId, long minEpoch);

  /** Gives the lease up (clean shutdown), so that another node takes over without waiting. */
  Future<Void> release(String nodeId);

  /** How long a grant lasts without renewal. */
  long leaseMillis();

  /** The state of the lease after a call. */
  record Grant(String holder, long epoch, long expiresAtMillis) {
    public boolean heldBy(String nodeId) {
      return nodeId.equals(holder);
    }
  }
}
