package dev.discordbridge.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a {@link LinkLease} from one verticle's context: asks for (or renews) the lease every
 * third of its length, calls {@code onGain(epoch)} when this node becomes the holder and
 * {@code onLose} when it stops being one: another node holds it, or renewal failed for so long
 * that the lease may have expired (measured on this node's clock, from before the last
 * successful renewal was sent, so the holder always stops first).
 */
public final class LeaseKeeper {
  private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

  private final Vertx vertx;
  private final LinkLease lease;
  private final String nodeId;
  private final LongSupplier minEpoch;
  private final LongFunction<Future<?>> onGain;
  private final Supplier<Future<?>> onLose;
  private long timer = -1;
  private boolean holding;
  private long validUntil;
  private boolean inFlight;
  private boolean stopped;

  public LeaseKeeper(Vertx vertx, LinkLease lease, String nodeId, LongSupplier minEpoch,
                     LongFunction<Future<?>> onGain, Supplier<Future<?>> onLose) {
    this.vertx = vertx;
    this.lease = lease;
    this.nodeId = nodeId;
    this.minEpoch = minEpoch;
    this.onGain = onGain;
    this.onLose = onLose;
  }

  public boolean holding() { return holding; }

  /** Starts the loop; the returned future completes after the first round. */
  public Future<Void> start() {
    long period = Math.max(100, Math.min(lease.leaseMillis() / 3, 5_000));
    Future<Void> first = round();
    if (lease.leaseMillis() != Long.MAX_VALUE) {
      timer = vertx.setPeriodic(period, id -> round());
    }
    return first;
  }

  /** Stops the loop and releases the lease when held, so that a standby takes over at once. */
  public Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    if (!holding) {
      return Future.succeededFuture();
    }
    holding = false;
    return onLose.get().transform(ignored -> lease.release(nodeId)).otherwise((Void) null);
  }

  private Future<Void> round() {
    if (inFlight || stopped) {
      return Future.succeededFuture();
    }
    inFlight = true;
    long sentAt = System.currentTimeMillis();
    return lease.acquireOrRenew(nodeId, minEpoch.getAsLong())
        .compose(grant -> {
          if (stopped) {
            return Future.succeededFuture();
          }
          if (grant.heldBy(nodeId)) {
            validUntil = lease.leaseMillis() == Long.MAX_VALUE ? Long.MAX_VALUE : sentAt + lease.leaseMillis();
            if (!holding) {
              holding = true;
              log.info("this node now holds the upstream link (epoch {})", grant.epoch());
              return onGain.apply(grant.epoch()).mapEmpty();
            }
          } else if (holding) {
            holding = false;
            log.warn("the upstream link lease is held by {} now; standing down", grant.holder());
            return onLose.get().mapEmpty();
          }
          return Future.succeededFuture();
        }, err -> {
          if (holding && System.currentTimeMillis() >= validUntil) {
            holding = false;
            log.warn("could not renew the upstream link lease ({}); standing down", err.getMessage());
            return onLose.get().mapEmpty();
          }
          log.warn("link lease round failed: {}", err.getMessage());
          return Future.succeededFuture();
        })
        .<Void>mapEmpty()
        .eventually(() -> {
          inFlight = false;
          return Future.succeededFuture();
        });
  }
}
