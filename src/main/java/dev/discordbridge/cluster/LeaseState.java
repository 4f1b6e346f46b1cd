package dev.discordbridge.cluster;

import java.io.Serializable;

/**
 * The value of the lease entry in Hazelcast. Never removed: after the holder's lease expires
 * the entry keeps its epoch, so the next holder's epoch is larger (fencing).
 *
 * @param expiresAt partition owner's clock; the entry processor compares it with the same clock
 */
record LeaseState(String holder, long epoch, long expiresAt) implements Serializable {
  boolean expired(long now) {
    return holder == null || expiresAt <= now;
  }
}
