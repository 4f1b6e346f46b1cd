package dev.discordbridge.ratelimit;

import dev.discordbridge.bus.RateCheck;
import dev.discordbridge.bus.RateDecision;
import dev.discordbridge.bus.RateLimits;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.config.RateLimitConfig;
import dev.discordbridge.ops.Metrics;
import dev.discordbridge.ops.TraceLog;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's rate limiter: token buckets per user ({@code RATE_LIMIT_USER}) and per channel
 * ({@code RATE_LIMIT_CHANNEL}) in one {@link BucketStore} for the whole node (a
 * {@link LocalBucketStore}, atomic per key from any thread) or the whole cluster (a
 * {@link HazelcastBucketStore}). The command dispatcher calls it in its own process (the app wires
 * it in as {@link RateLimits}): a check is a map update, not a bus hop. {@link RateLimiterVerticle}
 * keeps the store tidy. It defines {@code bridge_ratelimit_refusals}.
 */
public final class RateLimiter implements RateLimits {
  private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

  private final BucketStore store;
  private final BucketPair buckets;

  public RateLimiter(BridgeConfig config, BucketStore store) {
    this.store = store;
    this.buckets = new BucketPair(store, bucket(config.rateLimit().user()), bucket(config.rateLimit().channel()));
  }

  /** Buckets of this node only. */
  public static RateLimiter local(BridgeConfig config) {
    return new RateLimiter(config, new LocalBucketStore(System::currentTimeMillis));
  }

  BucketStore store() {
    return store;
  }

  private static TokenBucket bucket(RateLimitConfig.Bucket b) {
    return new TokenBucket(b.capacity(), b.periodSeconds() * 1000L);
  }

  @Override
  public Future<RateDecision> check(RateCheck check) {
    Future<RateDecision> decision;
    try {
      decision = buckets.check(check.userId(), check.channelId());
    } catch (RuntimeException e) {
      decision = Future.failedFuture(e);
    }
    return decision.andThen(ar -> {
      if (ar.failed()) {
        TraceLog.error(log, check.traceId(), "rate limit check failed for user {} channel {}: {}", check.userId(),
            check.channelId(), ar.cause().toString());
      } else if (!ar.result().allowed()) {
        RateDecision d = ar.result();
        refusals(d.scope()).increment();
        // Counted here; the dispatcher summarises 429s in the log (a client can trigger them at will).
        TraceLog.debug(log, check.traceId(), "rate limited: scope={} user={} channel={} retryAfterMs={}", d.scope(),
            check.userId(), check.channelId(), d.retryAfterMs());
      }
    });
  }

  private static Counter refusals(String scope) {
    return Counter.builder("bridge_ratelimit_refusals").tag("scope", scope)
        .description("Commands refused because a token bucket was empty").register(Metrics.registry());
  }
}
