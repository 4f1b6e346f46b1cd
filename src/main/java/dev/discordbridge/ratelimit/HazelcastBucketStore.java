package dev.discordbridge.ratelimit;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Buckets for a whole cluster: one Hazelcast {@code IMap<String, TokenBucket.State>}
 * ({@value #MAP}). Every operation is an {@link EntryProcessor} sent with {@code submitToKey}: it
 * runs on the member that owns the key's partition, one at a time per key (atomic without
 * locks), and the caller gets a {@code CompletionStage} (never blocks an event loop). The clock
 * is the owner member's, so all nodes see one timeline per bucket. Each write sets the entry's
 * TTL to the time the bucket needs to be full again, so idle buckets expire by themselves.
 */
public final class HazelcastBucketStore implements BucketStore {
  public static final String MAP = "bridge.ratelimit.buckets";

  private final IMap<String, TokenBucket.State> map;

  public HazelcastBucketStore(HazelcastInstance hazelcast) {
    this.map = hazelcast.getMap(MAP);
  }

  @Override
  public Future<TokenBucket.Take> take(String key, TokenBucket bucket) {
    return onCaller(map.submitToKey(key, new TakeToken(bucket.capacity(), bucket.periodMs())));
  }

  @Override
  public Future<Void> refund(String key, TokenBucket bucket) {
    return onCaller(map.submitToKey(key, new RefundToken(bucket.capacity(), bucket.periodMs())))
        .mapEmpty();
  }

  @Override
  public Future<Long> waitMs(String key, TokenBucket bucket) {
    return onCaller(map.getAsync(key))
        .map(s -> bucket.waitMs(bucket.refill(s, System.currentTimeMillis())));
  }

  /** Completes on the calling verticle's context, not on a Hazelcast thread. */
  private static <T> Future<T> onCaller(CompletionStage<T> stage) {
    Context context = Vertx.currentContext();
    return context == null ? Future.fromCompletionStage(stage) : Future.fromCompletionStage(stage, context);
  }

  private static void store(Map.Entry<String, TokenBucket.State> entry, TokenBucket bucket, TokenBucket.State s) {
    long ttl = Math.max(1, bucket.idleAfterMs(s));
    ((ExtendedMapEntry<String, TokenBucket.State>) entry).setValue(s, ttl, TimeUnit.MILLISECONDS);
  }

  /** Runs on the key's owner. Records serialize with Java serialization: both fields are primitives. */
  record TakeToken(int capacity, long periodMs) implements EntryProcessor<String, TokenBucket.State, TokenBucket.Take> {
    @Override
    public TokenBucket.Take process(Map.Entry<String, TokenBucket.State> entry) {
      var bucket = new TokenBucket(capacity, periodMs);
      var take = bucket.take(entry.getValue(), System.currentTimeMillis());
      store(entry, bucket, take.state());
      return take;
    }
  }

  record RefundToken(int capacity, long periodMs) implements EntryProcessor<String, TokenBucket.State, Boolean> {
    @Override
    public Boolean process(Map.Entry<String, TokenBucket.State> entry) {
      var bucket = new TokenBucket(capacity, periodMs);
      store(entry, bucket, bucket.refund(entry.getValue(), System.currentTimeMillis()));
      return true;
    }
  }
}
