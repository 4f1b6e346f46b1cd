package dev.discordbridge.ratelimit;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusFailure;
import dev.discordbridge.bus.RateCheck;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.config.RateLimitConfig;
import dev.discordbridge.ops.Metrics;
import dev.discordbridge.ops.TraceLog;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code bridge.ratelimit.check}: token buckets per user ({@code RATE_LIMIT_USER}) and per
 * channel ({@code RATE_LIMIT_CHANNEL}). The buckets live in one {@link BucketStore} for every
 * instance: a cluster-wide one passed in, or the node's, owned by {@link BucketStoreVerticle} and
 * reached over the bus ({@link BusBucketStore}); so running several instances neither splits nor
 * multiplies a bucket.
 */
public final class RateLimiterVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RateLimiterVerticle.class);
  private static final long SWEEP_MS = 30_000;

  private final BridgeConfig config;
  private final BucketStore clustered;
  private BucketPair buckets;

  /** Buckets of this node, held by its {@link BucketStoreVerticle} (deploy that one first). */
  public RateLimiterVerticle(BridgeConfig config) {
    this(config, null);
  }

  /** Buckets in {@code store} (e.g. a {@link HazelcastBucketStore} when clustered); null means this node's. */
  public RateLimiterVerticle(BridgeConfig config, BucketStore store) {
    this.config = config;
    this.clustered = store;
  }

  @Override
  public Future<?> start() {
    BucketStore store = clustered != null ? clustered : new BusBucketStore(vertx);
    buckets = new BucketPair(store, bucket(config.rateLimit().user()), bucket(config.rateLimit().channel()));
    if (clustered != null) {
      // Every instance sweeps the shared store; sweeps are cheap and idempotent. (The node's owner sweeps its own.)
      vertx.setPeriodic(SWEEP_MS, id -> clustered.evictIdle());
    }
    return vertx.eventBus().<RateCheck>consumer(Addresses.RATE_LIMIT_CHECK, this::check).completion();
  }

  private static TokenBucket bucket(RateLimitConfig.Bucket b) {
    return new TokenBucket(b.capacity(), b.periodSeconds() * 1000L);
  }

  private void check(Message<RateCheck> m) {
    String userId = m.body().userId();
    String channelId = m.body().channelId();
    String traceId = m.body().traceId();
    buckets.check(userId, channelId).onComplete(ar -> {
      if (ar.failed()) {
        TraceLog.error(log, traceId, "rate limit check failed for user {} channel {}: {}", userId, channelId, ar.cause().toString());
        BusFailure.STORE_UNAVAILABLE.fail(m, "rate limit store unavailable");
        return;
      }
      var d = ar.result();
      if (!d.allowed()) {
        refusals(d.scope()).increment();
        // Counted here; the command queue summarises 429s in the log (a client can trigger them at will).
        TraceLog.debug(log, traceId, "rate limited: scope={} user={} channel={} retryAfterMs={}", d.scope(), userId, channelId, d.retryAfterMs());
      }
      m.reply(d);
    });
  }

  private static Counter refusals(String scope) {
    return Counter.builder("bridge_ratelimit_refusals").tag("scope", scope)
        .description("Commands refused because a token bucket was empty").register(Metrics.registry());
  }
}
