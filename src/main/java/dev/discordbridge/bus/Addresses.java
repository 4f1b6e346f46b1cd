package dev.discordbridge.bus;

/**
 * Every EventBus address the bridge uses, in one place ({@code AddressesTest} fails on a
 * {@code "bridge."} literal elsewhere in src/main). Capability packages never import each other;
 * they meet here. Every body is a record of this package (or {@code contract.StreamEvent} /
 * {@code contract.GatewayCommand}) with its codec registered once per Vert.x instance
 * ({@link BusCodecs}), or empty where a line says "no body" or "without a body"; none is a bare
 * {@code JsonObject}.
 */
public final class Addresses {
  private Addresses() {}

  // ---- events: the link holder -> the edges (EdgeVerticle instances), legacy presence, standbys (publish) ----

  /** Published by the link holder: a {@link dev.discordbridge.contract.StreamEvent} (own codec). */
  public static final String EVENTS = "bridge.events";

  /** Published on every link state change and periodically: a {@link LinkStatus}. */
  public static final String LINK_STATUS = "bridge.link.status";

  /** Request without a body: current link status of the node-local {@code LinkVerticle} (reply: a {@link LinkStatus}). */
  public static final String LINK_STATUS_QUERY = "bridge.link.status.query";

  /**
   * Request (to the link holder): a {@code GatewayCommand} record; reply an {@link UpstreamAck} when the
   * hub acks it, or failure {@link BusFailure#LINK_DOWN} / {@link BusFailure#BAD_COMMAND}.
   */
  public static final String GATEWAY_COMMAND = "bridge.gateway.command";

  /** Request (to the link holder): an {@link IngestBatch} posted to /internal/events; reply an {@link IngestResult}. */
  public static final String GATEWAY_INGEST = "bridge.gateway.ingest";

  /**
   * Request (direct Discord mode, to the link holder): a {@link ShardEvents} batch from the node
   * holding that shard; reply a {@link ShardEvents.Ack} once the new events are published. No
   * handler: no node holds the link right now (the shard retries).
   */
  public static final String DISCORD_SHARD_EVENTS = "bridge.discord.shard.events";

  /** Published (direct Discord mode) by each shard's holder on every change and every second: a {@link ShardStatus}. */
  public static final String DISCORD_SHARD_STATUS = "bridge.discord.shard.status";

  /**
   * Published (direct Discord mode) by a shard's holder for each MESSAGE_CREATE with a nonce: a
   * {@link MessageEcho}. Every node's {@code DiscordUpstream} keeps them, so a retry is answered from the echo.
   */
  public static final String DISCORD_ECHOES = "bridge.discord.echoes";

  /**
   * Published (direct Discord mode, webhook attribution) by the link holder before it posts a web
   * user's message through a webhook: a {@link WebhookPost}. Shard holders show the webhook's
   * message as that user's.
   */
  public static final String DISCORD_WEBHOOK_POSTS = "bridge.discord.webhook.posts";

  /**
   * Request, local only (direct Discord mode, webhook attribution): the same {@link WebhookPost},
   * first to this node's shard side, which stores it and answers with its instance id; only then
   * does the post leave. Discord's echo can come back on this node's shard socket before a
   * published message is processed (an event loop may read a socket before it runs the queued
   * delivery), so the local copy must be stored first. The cluster-wide publish that follows
   * carries {@link #WEBHOOK_POST_ORIGIN_HEADER}, and that instance skips it.
   */
  public static final String DISCORD_WEBHOOK_POSTS_LOCAL = "bridge.discord.webhook.posts.local";

  /** On {@link #DISCORD_WEBHOOK_POSTS}: the shard-side instance that already stored the post. */
  public static final String WEBHOOK_POST_ORIGIN_HEADER = "bridge-webhook-post-origin";

  /**
   * Published (direct Discord mode): a {@link ChannelUpdate}, from a shard's holder for each
   * dispatch that changes which channels a guild has, or from the link holder answering a node
   * that starts ({@code SYNC} query). Every node's channel directory (and every edge instance's {@code ChannelViews}) keeps the channel index from them.
   */
  public static final String DISCORD_CHANNELS = "bridge.discord.channels";

  /**
   * Request, local only (direct Discord mode, answered by the node's channel directory): a
   * {@link BotGuilds.Query} → {@link BotGuilds}, which of those guilds the bot is in (Sign in with
   * Discord). A guild whose shard has not settled yet is waited for, a few seconds at most.
   */
  public static final String DISCORD_GUILDS_QUERY = "bridge.discord.guilds.query";

  /**
   * Request (direct Discord mode) → the link holder: a {@link MemberRoles.Query} for a caller's
   * roles in a guild; the reply is a {@link MemberRoles} (from the holder's cache, or fetched with
   * {@code GET /guilds/{guild}/members/{user}} through the REST rate limiter, coalesced per pair).
   */
  public static final String DISCORD_MEMBER = "bridge.discord.member";

  /**
   * Published (direct Discord mode): a {@link MemberRoles}, from a shard's holder for each
   * GUILD_MEMBER_UPDATE / GUILD_MEMBER_REMOVE (Server Members intent), and from the link holder
   * when a refetch found different roles. Every cache and every stream of that user follows it.
   */
  public static final String DISCORD_MEMBERS = "bridge.discord.members";

  /**
   * Published by a new link holder before it publishes anything: a {@link Handover.Query}; every
   * other node's {@code LinkVerticle} answers on {@link #HANDOVER_REPORT}.
   */
  public static final String HANDOVER_QUERY = "bridge.gateway.handover.query";

  /** Published by every other {@code LinkVerticle} in answer to a {@link Handover.Query}: a {@link Handover.Report}. */
  public static final String HANDOVER_REPORT = "bridge.gateway.handover.report";

  /** Request to one {@code LinkVerticle} (this prefix + its node id + a random id): a {@link Handover.Fetch} → {@link Handover.Events}. */
  public static final String HANDOVER_FETCH_PREFIX = "bridge.gateway.handover.fetch.";

  /**
   * Header on an {@link #EVENTS} message that a new holder republishes under its original stream
   * id (a handover's gap fill): a consumer that already has that id drops it, a reset included.
   */
  public static final String REPAIR_HEADER = "bridge-repair";

  /** Request (local only): {@link ReplayFetch} → {@link ReplaySnapshot}, a sibling edge instance's replay window for a late starter. */
  public static final String REPLAY_FETCH = "bridge.replay.fetch";

  // ---- commands ----

  /**
   * Request, local only, from the HTTP edge → this node's one command dispatcher: a
   * {@link CommandRequest}; reply: a {@link CommandOutcome} (delivered, queued, or refused). The
   * first of a command's two bus hops; the second is {@link #GATEWAY_COMMAND}.
   */
  public static final String COMMAND_SUBMIT = "bridge.command.submit";

  /** Published by the command dispatcher's queue: a {@link CommandStatus} per lifecycle transition (for the page and operators). */
  public static final String COMMAND_STATUS = "bridge.command.status";

  /**
   * Request, local only → this node's command dispatcher: a {@link CommandDrain}. Its queue refuses new
   * commands from now on, sends what it holds for up to {@code graceMs} (less when it empties or
   * the link is not usable), then stops; the reply is a {@link CommandDrain.Report}.
   */
  public static final String COMMAND_DRAIN = "bridge.command.drain";

  // ---- legacy socket bridge ----

  /** Request (local only) from the edge: {@link LegacyInbound}, a legacy /api/ws frame → {@link LegacyAnswer}. */
  public static final String LEGACY_INBOUND = "bridge.legacy.inbound";

  /** Published (local only) by the legacy bridge: a {@link LegacyBroadcast} for every socket subscribed to its guild. */
  public static final String LEGACY_BROADCAST = "bridge.legacy.broadcast";

  /** Published (local only) by edges: a {@link LegacyConnection} (opened, subscribed, closed), for gauges and logs. */
  public static final String LEGACY_CONNECTIONS = "bridge.legacy.connections";

  // ---- node ----

  /**
   * Request (local only, answered by the node, no body): cluster membership as this node sees it,
   * a {@link ClusterStatus}. No handler: the node is not clustered.
   */
  public static final String CLUSTER_STATUS_QUERY = "bridge.node.cluster.query";

  /** Published (local only) by the node when its shutdown starts, a {@link NodeShutdown}: the edges answer /health/ready with 503. */
  public static final String NODE_SHUTDOWN = "bridge.node.shutdown";

  /**
   * Publish, local: an edge instance → every edge instance of the node ({@link StreamEviction}):
   * a user opened more than SSE_MAX_STREAMS_PER_USER streams on this node; the holder of the oldest
   * ends it.
   */
  public static final String STREAM_EVICT = "bridge.stream.evict";

  // ---- demo ----

  /** Request without a body (demo mode only, answered by the simulated hub) → {@link DemoRoster}. */
  public static final String DEMO_ROSTER = "bridge.demo.roster";

  /**
   * Request (demo mode only, answered by the simulated hub): {@link DemoDropout} → {@link DemoDropoutOutcome}.
   * The hub puts that demo user in a voice channel (unless already in one) and, shortly after,
   * drops the connection ({@code voice.left}, reason {@code disconnected}).
   */
  public static final String DEMO_DROPOUT = "bridge.demo.dropout";
}
