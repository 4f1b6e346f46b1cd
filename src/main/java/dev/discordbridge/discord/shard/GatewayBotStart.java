package dev.discordbridge.discord.shard;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.ShardStatus;
import dev.discordbridge.config.DiscordConfig;
import dev.discordbridge.discord.DiscordRest;
import dev.discordbridge.discord.rest.GatewayBot;
import dev.discordbridge.link.Backoff;
import dev.discordbridge.link.UpstreamException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How direct mode starts on a node: what Discord says about the bot ({@code GET /gateway/bot}),
 * then the one shard count of the cluster (the first node's; a node that would use another says
 * so and uses it), each retried with backoff until known. Meanwhile the shard status says why
 * nothing connects (the token refused, Discord unreachable), where operators look (the link
 * status, {@code /health/ready}). Runs on the shards verticle's context.
 */
final class GatewayBotStart {
  private static final Logger log = LoggerFactory.getLogger(GatewayBotStart.class);

  private final Vertx vertx;
  private final DiscordRest rest;
  private final DiscordConfig discord;
  private final IntFunction<Future<Integer>> shardCount;
  private final String nodeId;
  private final Backoff backoff;
  private final BiConsumer<GatewayBot, Integer> ready;
  private boolean cancelled;
  private long timer = -1;

  /**
   * @param shardCount the cluster's shard count, given this node's proposal
   * @param ready called once with what Discord said and the shard count to use
   */
  GatewayBotStart(Vertx vertx, DiscordRest rest, DiscordConfig discord, Backoff backoff, String nodeId,
                  IntFunction<Future<Integer>> shardCount, BiConsumer<GatewayBot, Integer> ready) {
    this.vertx = vertx;
    this.rest = rest;
    this.discord = discord;
    this.backoff = backoff;
    this.nodeId = nodeId;
    this.shardCount = shardCount;
    this.ready = ready;
  }

  void run() {
    fetchGatewayBot();
  }

  /** The verticle stops: no retry, no call to {@code ready}. */
  void cancel() {
    cancelled = true;
    vertx.cancelTimer(timer);
  }

  private void fetchGatewayBot() {
    rest.gatewayBot().onComplete(ar -> {
      if (cancelled) {
        return;
      }
      if (ar.succeeded()) {
        agreeOnShardCount(ar.result());
        return;
      }
      boolean refused = ar.cause() instanceof UpstreamException;
      long delay = refused ? backoff.ceiling(Integer.MAX_VALUE) : backoff.next();
      if (refused) {
        // Nothing works without a valid token: say so where operators look.
        vertx.eventBus().publish(Addresses.DISCORD_SHARD_STATUS, new ShardStatus(0, 1, nodeId, "failed",
            "Discord refused the bot token (HTTP 401 on /gateway/bot): reset it on the Bot page of the Developer "
                + "Portal, set DISCORD_BOT_TOKEN and restart", null, null, null, false));
      }
      String why = refused ? ar.cause().getMessage() : Unreachable.describe(ar.cause());
      if (!refused) {
        // Say why nothing connects (DNS, refused, TLS, timeout) until it does.
        vertx.eventBus().publish(Addresses.DISCORD_SHARD_STATUS, new ShardStatus(0, 1, nodeId, "backoff",
            "Discord cannot be reached: GET /gateway/bot: " + why, null, null, null, false));
      }
      log.warn("GET /gateway/bot failed: {}; retrying in {} ms", why, delay);
      timer = vertx.setTimer(delay, id -> fetchGatewayBot());
    });
  }

  private void agreeOnShardCount(GatewayBot bot) {
    int proposed = discord.shards() != null ? discord.shards() : Math.max(1, bot.shards());
    shardCount.apply(proposed).onComplete(ar -> {
      if (cancelled) {
        return;
      }
      if (ar.failed()) {
        long delay = backoff.next();
        log.warn("could not read the cluster's Discord shard count ({}); retrying in {} ms", ar.cause().getMessage(), delay);
        timer = vertx.setTimer(delay, id -> agreeOnShardCount(bot));
        return;
      }
      int count = ar.result();
      if (count != proposed) {
        log.warn("the cluster runs {} Discord shard(s); this node would have used {} ({}): using the cluster's. "
                + "The count changes only when every node has stopped", count, proposed,
            discord.shards() != null ? "DISCORD_SHARDS" : "Discord's recommendation now");
      }
      ready.accept(bot, count);
    });
  }
}
