package dev.discordbridge.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.discordbridge.bus.BusCodecs;
import dev.discordbridge.bus.RateCheck;
import dev.discordbridge.bus.RateDecision;
import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Several limiter instances on one node share one set of buckets: the node's one {@link RateLimiter}. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NodeBucketsTest {

  @Test
  void instancesNeitherSplitNorMultiplyABucket(Vertx vertx, VertxTestContext ctx) {
    BusCodecs.register(vertx.eventBus());
    var config = BridgeConfig.parse(new JsonObject().put("RATE_LIMIT_USER", "3/60s").put("RATE_LIMIT_CHANNEL", "1000/1s"));
    var checkpoint = ctx.checkpoint();
    var limiter = RateLimiter.local(config);
    vertx.deployVerticle(() -> new RateLimiterVerticle(limiter), new DeploymentOptions().setInstances(3))
        .compose(id -> check(limiter, 0).compose(a -> check(limiter, 1)).compose(b -> check(limiter, 2))
            .compose(c -> check(limiter, 3)).map(last -> List.of(last)))
        .onComplete(ctx.succeeding(last -> ctx.verify(() -> {
          RateDecision refused = last.get(0);
          assertEquals(false, refused.allowed());
          assertEquals("user", refused.scope());
          checkpoint.flag();
        })));
  }

  /** One check per channel (so only the user's bucket runs dry); the first three pass. */
  private static Future<RateDecision> check(RateLimiter limiter, int i) {
    return limiter.check(new RateCheck("100000000000000001", "20000000000000000" + i, null)).map(d -> {
          if (i < 3 && !d.allowed()) {
            throw new AssertionError("check " + i + " refused: " + d);
          }
          return d;
        });
  }
}
