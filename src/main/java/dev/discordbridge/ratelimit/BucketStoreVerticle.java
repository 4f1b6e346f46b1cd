package dev.discordbridge.ratelimit;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusFailure;
import dev.discordbridge.bus.BucketOp;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;

/**
 * The one owner of a node's rate-limit buckets when they are node-local (no cluster): a single
 * instance holding the {@link LocalBucketStore}, answering {@code bridge.ratelimit.buckets}
 * for every {@link RateLimiterVerticle} instance of the node (through {@link BusBucketStore}).
 */
public final class BucketStoreVerticle extends VerticleBase {
  private static final long SWEEP_MS = 30_000;

  private final LocalBucketStore store = new LocalBucketStore(System::currentTimeMillis);

  @Override
  public Future<?> start() {
    vertx.setPeriodic(SWEEP_MS, id -> store.evictIdle());
    return vertx.eventBus().<BucketOp>localConsumer(Addresses.RATE_BUCKETS, this::apply).completion();
  }

  private void apply(Message<BucketOp> m) {
    BucketOp op = m.body();
    var bucket = new TokenBucket(op.capacity(), op.periodMs());
    Future<BucketOp.Result> result = switch (op.kind()) {
      case TAKE -> store.take(op.key(), bucket).map(t -> new BucketOp.Result(t.taken(), t.waitMs()));
      case REFUND -> store.refund(op.key(), bucket).map(v -> new BucketOp.Result(false, 0));
      case WAIT -> store.waitMs(op.key(), bucket).map(w -> new BucketOp.Result(false, w));
    };
    result.onSuccess(m::reply).onFailure(err -> BusFailure.STORE_UNAVAILABLE.fail(m, String.valueOf(err.getMessage())));
  }
}
