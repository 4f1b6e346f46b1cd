package dev.discordbridge.discord.shard;

import dev.discordbridge.cluster.LinkLease;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shard's lease as this node sees it: {@link #round} takes it when it is free and this node
 * may (the caller decides, to spread shards), renews it while held, and stops the shard before
 * the lease may have expired when it was not renewed in time: a timer fires at the end of the
 * last grant (measured from before that renewal was sent, so the old holder always stops before
 * another node can take the lease), whatever the rounds do. The grant's epoch fences what the
 * holder writes about the shard ({@link #epoch}). Runs on the shards verticle's context.
 */
final class ShardSlot {
  private static final Logger log = LoggerFactory.getLogger(ShardSlot.class);

  final int shardId;
  private final Vertx vertx;
  private final LinkLease lease;
  private final String nodeId;
  private final LongFunction<Future<Void>> onGain;
  private final Function<Boolean, Future<Void>> onLose;
  private boolean holding;
  private boolean inFlight;
  private long epoch = -1;
  private long validUntil;
  private long coolUntil;
  private long fenceTimer = -1;

  /**
   * @param onGain called with the lease's epoch when this node takes the shard
   * @param onLose called with true when the shard is given up on purpose (the session must stay
   *     resumable); its future completes once the shard is stopped and its position saved
   */
  ShardSlot(Vertx vertx, int shardId, LinkLease lease, String nodeId, LongFunction<Future<Void>> onGain,
            Function<Boolean, Future<Void>> onLose) {
    this.vertx = vertx;
    this.shardId = shardId;
    this.lease = lease;
    this.nodeId = nodeId;
    this.onGain = onGain;
    this.onLose = onLose;
  }

  boolean holding() { return holding; }

  /** The epoch of the lease held (or last held), -1 before the first grant. */
  long epoch() { return epoch; }

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
        boolean gained = !holding;
        epoch = ar.result().epoch();
        validUntil = lease.leaseMillis() == Long.MAX_VALUE ? Long.MAX_VALUE : sentAt + lease.leaseMillis();
        fence();
        if (gained) {
          holding = true;
          log.info("this node now holds Discord shard {} (lease epoch {})", shardId, epoch);
          onGain.apply(epoch);
        }
      } else if (ar.succeeded() && holding) {
        stopHere("Discord shard " + shardId + " is held by " + ar.result().holder() + " now; stopping it here");
      } else if (ar.failed() && holding && System.currentTimeMillis() >= validUntil) {
        stopHere("could not renew the lease of Discord shard " + shardId + " (" + ar.cause().getMessage()
            + "); stopping it here");
      }
    });
  }

  /** Stops the shard when the last grant runs out before a renewal extends it. */
  private void fence() {
    vertx.cancelTimer(fenceTimer);
    fenceTimer = -1;
    if (validUntil == Long.MAX_VALUE) {
      return;
    }
    fenceTimer = vertx.setTimer(Math.max(1, validUntil - System.currentTimeMillis()), id -> {
      fenceTimer = -1;
      if (holding && System.currentTimeMillis() >= validUntil) {
        stopHere("the lease of Discord shard " + shardId + " ran out before it was renewed; stopping it here");
      }
    });
  }

  private void stopHere(String why) {
    holding = false;
    vertx.cancelTimer(fenceTimer);
    fenceTimer = -1;
    log.warn(why);
    onLose.apply(false);
  }

  /**
   * Gives the shard up (rebalance, shutdown): stops it and saves its position, then releases the
   * lease, so the next holder finds the position; not taken again for {@code coolMs}.
   */
  Future<Void> release(long coolMs) {
    coolUntil = System.currentTimeMillis() + coolMs;
    if (!holding) {
      return Future.succeededFuture();
    }
    holding = false;
    vertx.cancelTimer(fenceTimer);
    fenceTimer = -1;
    return onLose.apply(true).otherwise((Void) null).compose(v -> lease.release(nodeId)).otherwise((Void) null);
  }
}
