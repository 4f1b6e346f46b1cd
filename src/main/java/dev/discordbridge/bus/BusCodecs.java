package dev.discordbridge.bus;

import dev.discordbridge.contract.GatewayCommand;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/**
 * The message records of the bus protocol (docs/architecture.md, "Bus protocol"), each with its
 * codec. Registered once, right after Vert.x is built (not in a verticle's start, which runs per
 * instance). Add a record here when you add an address that carries it.
 */
public final class BusCodecs {
  /** Every record type that travels on the bus with a {@link RecordCodec}. */
  static final List<Class<? extends Record>> RECORDS = List.of(
      // one line per message record, grouped by address (see Addresses)
      // upstream: bridge.link.status(.query), bridge.gateway.command (reply), bridge.gateway.ingest
      LinkStatus.class,
      GatewayCommand.class, UpstreamAck.class,
      IngestBatch.class,
      IngestResult.class,
      // failover: bridge.gateway.handover.query, .report, .fetch.*
      Handover.Query.class, Handover.Report.class, Handover.Fetch.class, Handover.Events.class,
      // direct Discord mode: bridge.discord.shard.events (request, reply), bridge.discord.shard.status
      ShardEvents.class, ShardEvents.Ack.class, ShardStatus.class,
      // direct Discord mode: bridge.discord.echoes, bridge.discord.channels
      MessageEcho.class, ChannelUpdate.class, MemberRoles.class, MemberRoles.Query.class,
      // direct Discord mode: bridge.discord.webhook.posts
      WebhookPost.class,
      // direct Discord mode: bridge.discord.guilds.query (request, reply)
      BotGuilds.Query.class, BotGuilds.class,
      // edge (edge/legacy/sim): replay fetch, legacy socket, demo
      ReplayFetch.class, ReplaySnapshot.class, StreamEviction.class,
      LegacyInbound.class, LegacyAnswer.class, LegacyBroadcast.class, LegacyConnection.class,
      DemoRoster.class, DemoDropout.class, DemoDropoutOutcome.class,
      // cleanup (app.Node): NODE_SHUTDOWN, CLUSTER_STATUS_QUERY (request body: none)
      NodeShutdown.class, ClusterStatus.class,
      // commands: COMMAND_SUBMIT, COMMAND_STATUS, COMMAND_DRAIN (the rate limiter is called in process: no records)
      CommandRequest.class, CommandOutcome.class,
      CommandStatus.class,
      CommandDrain.class, CommandDrain.Report.class
  );

  private BusCodecs() {}

  public static void register(EventBus bus) {
    for (Class<? extends Record> type : RECORDS) {
      registerOne(bus, type);
    }
  }

  private static <T extends Record> void registerOne(EventBus bus, Class<T> type) {
    bus.registerDefaultCodec(type, new RecordCodec<>(type));
  }
}
