package dev.discordbridge.ratelimit;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BucketOp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * The node's buckets as a rate limiter instance sees them: each operation goes over the bus to
 * {@link BucketStoreVerticle}, the one owner of the node's {@link LocalBucketStore}. Atomic per
 * key because the owner applies operations one at a time.
 */
final class BusBucketStore implements BucketStore {
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true).setSendTimeout(1_000);

  private final Vertx vertx;

  BusBucketStore(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Future<TokenBucket.Take> take(String key, TokenBucket bucket) {
    // The state stays with the owner: the caller only needs whether a token was taken, and the wait.
    return send(BucketOp.Kind.TAKE, key, bucket).map(r -> new TokenBucket.Take(r.taken(), null, r.waitMs()));
  }

  @Override
  public Future<Void> refund(String key, TokenBucket bucket) {
    return send(BucketOp.Kind.REFUND, key, bucket).mapEmpty();
  }

  @Override
  public Future<Long> waitMs(String key, TokenBucket bucket) {
    return send(BucketOp.Kind.WAIT, key, bucket).map(BucketOp.Result::waitMs);
  }

  private Future<BucketOp.Result> send(BucketOp.Kind kind, String key, TokenBucket bucket) {
    var op = new BucketOp(kind, key, bucket.capacity(), bucket.periodMs());
    return vertx.eventBus().<BucketOp.Result>request(Addresses.RATE_BUCKETS, op, LOCAL).map(m -> m.body());
  }
}
