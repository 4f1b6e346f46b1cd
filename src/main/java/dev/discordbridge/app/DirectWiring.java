package dev.discordbridge.app;

import dev.discordbridge.cluster.HazelcastIdentifyBudget;
import dev.discordbridge.cluster.HazelcastLinkLease;
import dev.discordbridge.cluster.HazelcastPacer;
import dev.discordbridge.cluster.HazelcastShardRecords;
import dev.discordbridge.cluster.LinkLease;
import dev.discordbridge.cluster.LocalLinkLease;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.discord.DiscordRest;
import dev.discordbridge.discord.DiscordRestCommands;
import dev.discordbridge.discord.rest.GatewayBot;
import dev.discordbridge.discord.shard.DiscordShardsVerticle;
import dev.discordbridge.discord.shard.IdentifyGate;
import dev.discordbridge.discord.shard.LocalIdentifyGate;
import dev.discordbridge.discord.shard.PacedIdentifyGate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What direct Discord mode's shards need from the node: on a node alone, leases it always holds
 * and Identify pacing in memory; in a cluster, a Hazelcast lease per shard, the member count
 * (to spread the shards) and Identify pacing shared by every node.
 */
final class DirectWiring implements DiscordShardsVerticle.Wiring {
  private final Vertx vertx;
  private final BridgeConfig config;
  private final HazelcastClusterManager cluster;
  private final Map<Integer, LinkLease> leases = new HashMap<>();
  private final Map<Integer, JsonObject> positions = new java.util.concurrent.ConcurrentHashMap<>();
  private HazelcastShardRecords records;

  private DirectWiring(Vertx vertx, BridgeConfig config, HazelcastClusterManager cluster) {
    this.vertx = vertx;
    this.config = config;
    this.cluster = cluster;
  }

  static DirectWiring of(Vertx vertx, BridgeConfig config, HazelcastClusterManager cluster) {
    return new DirectWiring(vertx, config, cluster);
  }

  @Override
  public synchronized LinkLease lease(int shardId) {
    return leases.computeIfAbsent(shardId, id -> cluster == null ? new LocalLinkLease()
        : new HazelcastLinkLease(vertx, cluster.getHazelcastInstance(), config.cluster().leaseMs(), "shard-" + id));
  }

  @Override
  public int members() {
    return cluster == null ? 1 : cluster.getNodes().size();
  }

  @Override
  public IdentifyGate identifyGate(GatewayBot.SessionStartLimit limit, Supplier<Future<GatewayBot.SessionStartLimit>> reread) {
    if (cluster == null) {
      return new LocalIdentifyGate(vertx, limit, reread, PacedIdentifyGate.DISCORD_SPACING_MS);
    }
    var pacer = new HazelcastPacer(vertx, cluster.getHazelcastInstance());
    var budget = new HazelcastIdentifyBudget(vertx, cluster.getHazelcastInstance());
    return new PacedIdentifyGate(vertx, limit.maxConcurrency(), limit, PacedIdentifyGate.DISCORD_SPACING_MS, pacer::reserve,
        new PacedIdentifyGate.Budget() {
          @Override
          public Future<Integer> take(int keep, long now) {
            return budget.take(keep, now);
          }

          @Override
          public Future<Void> set(int remaining, long resetAt, long now) {
            return budget.set(remaining, resetAt, now);
          }
        }, reread);
  }

  @Override
  public synchronized Future<Integer> shardCount(int proposed) {
    return cluster == null ? Future.succeededFuture(proposed) : records().shardCount(proposed);
  }

  @Override
  public Future<Void> savePosition(int shardId, long epoch, JsonObject position) {
    if (cluster == null) {
      positions.put(shardId, position.copy());
      return Future.succeededFuture();
    }
    return records().savePosition(shardId, epoch, position).mapEmpty();
  }

  @Override
  public Future<JsonObject> position(int shardId) {
    return cluster == null ? Future.succeededFuture(positions.get(shardId)) : records().position(shardId);
  }

  private synchronized HazelcastShardRecords records() {
    if (records == null) {
      records = new HazelcastShardRecords(vertx, cluster.getHazelcastInstance());
    }
    return records;
  }

  @Override
  public DiscordRest rest(Vertx vertx) {
    return DiscordRestCommands.rest(vertx, config);
  }
}
