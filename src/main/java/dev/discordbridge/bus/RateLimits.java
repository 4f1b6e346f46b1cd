package dev.discordbridge.bus;

import io.vertx.core.Future;

/**
 * The rate limiter as the command dispatcher calls it, in its own process (no bus hop): one token
 * from the user's and the channel's bucket, or none (a {@link RateDecision}). The app wires the
 * rate limiter's implementation ({@code ratelimit.RateLimiter}) into the dispatcher; the buckets are
 * node-wide (one store per node) or cluster-wide (Hazelcast), never per caller. The future fails when
 * the store does not answer; the caller then refuses the command (fail closed). Callable from any
 * thread; it completes on the caller's context.
 */
public interface RateLimits {
  Future<RateDecision> check(RateCheck check);
}
