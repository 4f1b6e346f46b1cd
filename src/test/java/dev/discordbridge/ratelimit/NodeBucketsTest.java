package dev.discordbridge.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusCodecs;
import dev.discordbridge.bus.RateCheck;
import dev.discordbridge.bus.RateDecision;
import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Several limiter instances on one node share one set of buckets, held by the one bucket store verticle. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NodeBucketsTest {

  @Test
  void instancesNeitherSplitNorMultiplyABucket(Vertx vertx, VertxTestContext ctx) {
    BusCodecs.register(vertx.eventBus());
    var config = BridgeConfig.parse(new JsonObject().put("RATE_LIMIT_USER", "3/60s").put("RATE_LIMIT_CHANNEL", "1000/1s"));
    var checkpoint = ctx.checkpoint();
    vertx.deployVerticle(new BucketStoreVerticle())
        .compose(id -> vertx.deployVerticle(() -> new RateLimiterVerticle(config), new DeploymentOptions().setInstances(3)))
        .compose(id -> check(vertx, 0).compose(a -> check(vertx, 1)).compose(b -> check(vertx, 2))
            .compose(c -> check(vertx, 3)).map(last -> List.of(last)))
        .onComplete(ctx.succeeding(last -> ctx.verify(() -> {
          RateDecision refused = last.get(0);
          assertEquals(false, refused.allowed());
          assertEquals("user", refused.scope());
          checkpoint.flag();
        })));
  }

  /** One check per channel (so only the user's bucket runs dry); the first three pass. */
  private static Future<RateDecision> check(Vertx vertx, int i) {
    return vertx.eventBus().<RateDecision>request(Addresses.RATE_LIMIT_CHECK, new RateCheck("100000000000000001",
        "20000000000000000" + i, null)).map(Message::body).map(d -> {
          if (i < 3 && !d.allowed()) {
            throw new AssertionError("check " + i + " refused: " + d);
          }
          return d;
        });
  }
}
