package dev.discordbridge.cluster;

import io.vertx.core.Future;

/** A node on its own always holds the link; the epoch is taken once, at the first grant. */
public final class LocalLinkLease implements LinkLease {
  private long epoch = -1;

  @Override
  public synchronized Future<Grant> acquireOrRenew(String nodeId, long minEpoch) {
    if (epoch < 0) {
      epoch = minEpoch;
    }
    return Future.succeededFuture(new Grant(nodeId, epoch, Long.MAX_VALUE));
  }

  @Override
  public Future<Void> release(String nodeId) {
    return Future.succeededFuture();
  }

  @Override
  public long leaseMillis() {
    return Long.MAX_VALUE;
  }
}
