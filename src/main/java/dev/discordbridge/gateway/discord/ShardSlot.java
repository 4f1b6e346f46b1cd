package dev.discordbridge.gateway.discord;

import dev.discordbridge.cluster.LinkLease;
import io.vertx.core.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard's lease as this node sees it: {@link #round} takes it when it is free and this node
 * may (the caller decides, to spread shards), renews it while held, and stops the shard before
 * the lease may have expired when renewal fails (measured from before the last successful renewal
 * was sent, so the old holder always stops first). Runs on the shards verticle's context.
 */
final class ShardSlot {
  private static final Logger log = LoggerFactory.getLogger(ShardSlot.class);

  final int shardId;
  private final LinkLease lease;
  private final String nodeId;
  private final Supplier<Future<Void>> onGain;
  private final Consumer<Boolean> onLose;
  private boolean holding;
  private boolean inFlight;
  private long validUntil;
  private long coolUntil;

  /** @param onLose called with true when the shard is given up on purpose (the session must stay resumable) */
  ShardSlot(int shardId, LinkLease lease, String nodeId, Supplier<Future<Void>> onGain, Consumer<Boolean> onLose) {
    this.shardId = shardId;
    this.lease = lease;
    this.nodeId = nodeId;
    this.onGain = onGain;
    this.onLose = onLose;
  }

  boolean holding() { return holding; }

  boolean cooling(long now) { return now < coolUntil; }

  /** Renews a held lease; asks for a free one only when {@code mayAcquire}. */
  void round(boolean mayAcquire) {
    if (inFlight || !holding && !mayAcquire) {
      return;
    }
    inFlight = true;
    long sentAt = System.currentTimeMillis();
    lease.acquireOrRenew(nodeId, 0).onComplete(ar -> {
      inFlight = false;
      if (ar.succeeded() && ar.result().heldBy(nodeId)) {
        validUntil = lease.leaseMillis() == Long.MAX_VALUE ? Long.MAX_VALUE : sentAt + lease.leaseMillis();
        if (!holding) {
          holding = true;
          log.info("this node now holds Discord shard {}", shardId);
          onGain.get();
        }
      } else if (ar.succeeded() && holding) {
        holding = false;
        log.warn("Discord shard {} is held by {} now; stopping it here", shardId, ar.result().holder());
        onLose.accept(false);
      } else if (ar.failed() && holding && System.currentTimeMillis() >= validUntil) {
        holding = false;
        log.warn("could not renew the lease of Discord shard {} ({}); stopping it here", shardId, ar.cause().getMessage());
        onLose.accept(false);
      }
    });
  }

  /** Gives the shard up (rebalance, shutdown): stops it, then releases the lease; not taken again for {@code coolMs}. */
  Future<Void> release(long coolMs) {
    coolUntil = System.currentTimeMillis() + coolMs;
    if (!holding) {
      return Future.succeededFuture();
    }
    holding = false;
    onLose.accept(true);
    return lease.release(nodeId).otherwise((Void) null);
  }
}
