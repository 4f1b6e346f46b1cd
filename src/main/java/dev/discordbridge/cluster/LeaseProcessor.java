package dev.discordbridge.cluster;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * Acquire-or-renew, atomically on the partition that owns the lease key: the caller gets the
 * lease when nobody holds it, it expired, or the caller already holds it; otherwise nothing
 * changes. A new holder's epoch is above every earlier epoch and at least {@code minEpoch}.
 * Releasing sets the expiry to 0 and keeps the epoch.
 */
final class LeaseProcessor implements EntryProcessor<String, LeaseState, LeaseState> {
  private static final long serialVersionUID = 1L;
  private final String nodeId;
  private final long minEpoch;
  private final long leaseMillis;
  private final boolean release;

  LeaseProcessor(String nodeId, long minEpoch, long leaseMillis, boolean release) {
    this.nodeId = nodeId;
    this.minEpoch = minEpoch;
    this.leaseMillis = leaseMillis;
    this.release = release;
  }

  @Override
  public LeaseState process(Map.Entry<String, LeaseState> entry) {
    long now = System.currentTimeMillis();
    LeaseState current = entry.getValue();
    if (release) {
      if (current != null && nodeId.equals(current.holder())) {
        LeaseState released = new LeaseState(null, current.epoch(), 0);
        entry.setValue(released);
        return released;
      }
      return current;
    }
    if (current != null && nodeId.equals(current.holder()) && !current.expired(now)) {
      LeaseState renewed = new LeaseState(nodeId, current.epoch(), now + leaseMillis);
      entry.setValue(renewed);
      return renewed;
    }
    if (current == null || current.expired(now)) {
      long epoch = Math.max(minEpoch, current == null ? 0 : current.epoch() + 1);
      LeaseState taken = new LeaseState(nodeId, epoch, now + leaseMillis);
      entry.setValue(taken);
      return taken;
    }
    return current;
  }
}
