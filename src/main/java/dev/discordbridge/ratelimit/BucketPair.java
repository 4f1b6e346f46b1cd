package dev.discordbridge.ratelimit;

import dev.discordbridge.bus.RateDecision;
import io.vertx.core.Future;

/**
 * The limiter's rule: one token from the user's bucket and one from the channel's, or none.
 * The user's bucket is tried first; when the channel's then refuses, the user's token is given
 * back. A refusal names the scope whose wait is longer (retrying any sooner would be refused
 * again) and that exact wait.
 */
public final class BucketPair {
  public static final String USER = "user";
  public static final String CHANNEL = "channel";

  private final BucketStore store;
  private final TokenBucket user;
  private final TokenBucket channel;

  public BucketPair(BucketStore store, TokenBucket user, TokenBucket channel) {
    this.store = store;
    this.user = user;
    this.channel = channel;
  }

  public Future<RateDecision> check(String userId, String channelId) {
    String userKey = "u:" + userId;
    String channelKey = "c:" + channelId;
    return store.take(userKey, user).compose(u -> {
      if (!u.taken()) {
        return store.waitMs(channelKey, channel).map(cw -> cw > u.waitMs()
            ? RateDecision.refused(CHANNEL, cw) : RateDecision.refused(USER, u.waitMs()));
      }
      return store.take(channelKey, channel).compose(c -> c.taken()
          ? Future.succeededFuture(RateDecision.ALLOWED)
          : store.refund(userKey, user).map(v -> RateDecision.refused(CHANNEL, c.waitMs())));
    });
  }
}
