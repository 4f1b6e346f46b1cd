package dev.discordbridge.discord.shard;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.ShardStatus;
import dev.discordbridge.cluster.LinkLease;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.config.DiscordConfig;
import dev.discordbridge.contract.EventName;
import dev.discordbridge.contract.GatewayEvent;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.discord.ChannelFacts;
import dev.discordbridge.discord.DiscordMetrics;
import dev.discordbridge.discord.DiscordRest;
import dev.discordbridge.discord.DispatchMapper;
import dev.discordbridge.discord.SentMessages;
import dev.discordbridge.discord.rest.GatewayBot;
import dev.discordbridge.link.Backoff;
import dev.discordbridge.ops.LogThrottle;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct Discord mode, on every node (one instance): holds the Discord shards this node's leases
 * give it, and sends what they receive to the link holder ({@link ShardPipe}).
 *
 * <p>Spreading: a node takes a free shard while it holds fewer than its share
 * ({@code ceil(shards / members)}) and gives the highest one back when it holds more (a node
 * joined), keeping the session resumable; the other node resumes it from the position in the
 * last {@link ShardStatus}. A shard nobody reported for {@link #orphanAfterMs} (its holder died)
 * may be taken by any node, over its share, so that failover does not wait for the cluster to
 * notice the member is gone.
 *
 * <p>Voice: the mapper's who-is-where follows the events every node publishes for guilds whose
 * shard this node does not hold, so that a node taking a shard over knows who sits in voice.
 */
public final class DiscordShardsVerticle extends VerticleBase implements ShardSession.Listener {
  private static final Logger log = LoggerFactory.getLogger(DiscordShardsVerticle.class);
  private static final long STATUS_PERIOD_MS = 1_000;

  /** What the composition root supplies: a lease per shard, the member count, the identify gate, the REST client. */
  public interface Wiring {
    LinkLease lease(int shardId);

    int members();

    /** @param reread reads {@code session_start_limit} again ({@code GET /gateway/bot}) */
    IdentifyGate identifyGate(GatewayBot.SessionStartLimit limit,
                              java.util.function.Supplier<Future<GatewayBot.SessionStartLimit>> reread);

    DiscordRest rest(io.vertx.core.Vertx vertx);

    /** The shard count every node uses: {@code proposed} on a node alone or when the cluster has none yet. */
    Future<Integer> shardCount(int proposed);

    /** Saves where the shard's session can be resumed, under the lease epoch (an older epoch never overwrites a newer). */
    Future<Void> savePosition(int shardId, long epoch, JsonObject position);

    /** The last position saved for the shard ({@link ShardPosition#toJson} plus {@code shardCount}), or null. */
    Future<JsonObject> position(int shardId);
  }

  private final BridgeConfig config;
  private final Wiring wiring;
  private final String nodeId;
  private final ShardStatuses statuses = new ShardStatuses();
  private final Map<Integer, Running> running = new HashMap<>();
  private final DispatchMapper mapper = new DispatchMapper();
  /** Names this instance on the webhook announcements it already stored (Addresses.DISCORD_WEBHOOK_POSTS_LOCAL). */
  private final String instanceId = dev.discordbridge.contract.Ids.newTraceId();
  private DiscordMetrics metrics;
  private final LogThrottle unmappedLog = new LogThrottle(10);
  /** Copies for the metrics scrape (another thread), refreshed every second. */
  private volatile int heldGauge;
  private volatile int readyGauge;
  private DiscordRest rest;
  private IdentifyGate gate;
  private ShardSlot[] slots = new ShardSlot[0];
  private URI gatewayUrl;
  private long startedAt;
  private long roundTimer = -1;
  private long statusTimer = -1;
  private GatewayBotStart startUp;
  private boolean stopping;

  /** A shard this node runs: its session and the pipe to the link holder. */
  private record Running(ShardSession session, ShardPipe pipe, long epoch) {}

  public DiscordShardsVerticle(BridgeConfig config, Wiring wiring) {
    this.config = config;
    this.wiring = wiring;
    this.nodeId = config.node().id();
  }

  @Override
  public Future<?> start() {
    startedAt = System.currentTimeMillis();
    rest = wiring.rest(vertx);
    metrics = new DiscordMetrics(nodeId);
    metrics.shards(() -> heldGauge, () -> readyGauge);
    var statusConsumer = vertx.eventBus().<ShardStatus>consumer(Addresses.DISCORD_SHARD_STATUS, m -> remember(m.body()));
    var events = vertx.eventBus().<StreamEvent>consumer(Addresses.EVENTS, m -> observe(m.body()));
    var posts = vertx.eventBus().<dev.discordbridge.bus.WebhookPost>consumer(Addresses.DISCORD_WEBHOOK_POSTS, m -> {
      if (!instanceId.equals(m.headers().get(Addresses.WEBHOOK_POST_ORIGIN_HEADER))) {
        mapper.expectWebhookPost(m.body());
      }
    });
    var localPosts = vertx.eventBus().<dev.discordbridge.bus.WebhookPost>localConsumer(Addresses.DISCORD_WEBHOOK_POSTS_LOCAL,
        m -> {
          mapper.expectWebhookPost(m.body());
          m.reply(instanceId);
        });
    statusTimer = vertx.setPeriodic(STATUS_PERIOD_MS, id -> {
      running.keySet().forEach(this::publishStatus);
      republishReleased();
      heldGauge = running.size();
      readyGauge = (int) running.values().stream().filter(r -> r.session().state() == ShardState.READY).count();
    });
    startUp = new GatewayBotStart(vertx, rest, config.discord(),
        new Backoff(config.link().backoffBaseMs(), config.link().backoffMaxMs()), nodeId, wiring::shardCount, this::build);
    startUp.run();
    return Future.all(statusConsumer.completion(), events.completion(), posts.completion(), localPosts.completion());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(roundTimer);
    vertx.cancelTimer(statusTimer);
    if (startUp != null) {
      startUp.cancel();
    }
    List<Future<Void>> released = new java.util.ArrayList<>();
    for (ShardSlot slot : slots) {
      released.add(slot.release(0));
    }
    return Future.all(released).transform(v -> rest.close());
  }

  private void build(GatewayBot bot, int count) {
    DiscordConfig discord = config.discord();
    gatewayUrl = discord.gatewayUrl() != null ? discord.gatewayUrl() : URI.create(bot.url());
    gate = wiring.identifyGate(bot.sessionStartLimit(), () -> rest.gatewayBot().map(GatewayBot::sessionStartLimit));
    log.info("direct Discord mode: {} shard(s), gateway {}, identify max_concurrency {}, {} of {} session starts left today",
        count, gatewayUrl, bot.sessionStartLimit().maxConcurrency(), bot.sessionStartLimit().remaining(),
        bot.sessionStartLimit().total());
    slots = new ShardSlot[count];
    for (int id = 0; id < count; id++) {
      int shard = id;
      slots[id] = new ShardSlot(vertx, id, wiring.lease(id), nodeId, epoch -> gain(shard, epoch), keep -> lose(shard, keep));
    }
    LinkLease probe = wiring.lease(0);
    long period = probe.leaseMillis() == Long.MAX_VALUE ? STATUS_PERIOD_MS : Math.max(100, probe.leaseMillis() / 3);
    round();
    roundTimer = vertx.setPeriodic(period, id -> round());
  }

  // ---- spreading the shards ----

  private long orphanAfterMs() {
    long lease = wiring.lease(0).leaseMillis();
    return lease == Long.MAX_VALUE ? Long.MAX_VALUE : lease + STATUS_PERIOD_MS;
  }

  private void round() {
    int members = Math.max(1, wiring.members());
    int share = (slots.length + members - 1) / members;
    long now = System.currentTimeMillis();
    int held = 0;
    for (ShardSlot s : slots) {
      held += s.holding() ? 1 : 0;
    }
    if (held > share) {
      // The highest shard held is handed over, once it is READY, so that the next holder resumes its
      // session instead of spending an Identify (1,000 a day) on a new one.
      int id = slots.length - 1;
      while (id >= 0 && !slots[id].holding()) {
        id--;
      }
      Running r = id < 0 ? null : running.get(id);
      if (r != null && r.session().state() == ShardState.READY) {
        log.info("holding {} Discord shards, {} more than this node's share of {} node(s): handing shard {} over",
            held, held - share, members, id);
        slots[id].release(3 * orphanAfterMsOr(5_000));
        held--;
      }
    }
    for (ShardSlot s : slots) {
      boolean mayAcquire = !s.cooling(now) && (held < share || orphaned(s.shardId, now));
      s.round(mayAcquire);
    }
  }

  private long orphanAfterMsOr(long fallback) {
    long o = orphanAfterMs();
    return o == Long.MAX_VALUE ? fallback : o;
  }

  private boolean orphaned(int shardId, long now) {
    long after = orphanAfterMs();
    if (after == Long.MAX_VALUE || now - startedAt < after) {
      return false;
    }
    return statuses.silentOrReleased(shardId, now, after);
  }

  /**
   * Starts a shard this node now holds: it resumes the session its last holder saved with the
   * lease (or announced on the bus), when that session ran with this shard count; else Identifies.
   */
  private Future<Void> gain(int shardId, long epoch) {
    return wiring.position(shardId).otherwise(err -> {
      log.warn("could not read the saved position of Discord shard {} ({}); using the last status seen", shardId,
          err.getMessage());
      return null;
    }).map(saved -> {
      if (stopping || !slots[shardId].holding() || running.containsKey(shardId)) {
        return null;
      }
      ShardPosition from = ResumePoints.choose(shardId, slots.length, saved, statuses.last(shardId));
      var session = new ShardSession(vertx, options(shardId), gate, this);
      var pipe = new ShardPipe(vertx, shardId, nodeId, from == null ? null : from.sessionId(),
          from == null ? null : from.seq());
      running.put(shardId, new Running(session, pipe, epoch));
      log.info("starting Discord shard {} of {}{}", shardId, slots.length,
          from == null ? " with a new session" : " by resuming session " + from.sessionId() + " after seq " + from.seq());
      session.start(from);
      return null;
    });
  }

  /** Stops the shard here; the future completes once its position is saved for the next holder. */
  private Future<Void> lose(int shardId, boolean keepSession) {
    Running r = running.remove(shardId);
    if (r == null) {
      return Future.succeededFuture();
    }
    r.session().stop(true);
    r.pipe().close();
    Future<Void> saved = publish(shardId, r, "stopped", null, keepSession);
    r.session().close();
    return saved;
  }

  private ShardOptions options(int shardId) {
    return ShardOptions.of(config, gatewayUrl, shardId, slots.length);
  }

  /**
   * A reset cleared every stream's voice presence: each node tells again who is in voice in the
   * guilds of the shards it holds (behind the reset, in the shard's order), and forgets the others,
   * which their holders tell again (or a lost session's new GUILD_CREATE does).
   */
  private void reannounceVoice(String resetId) {
    mapper.announceAfterReset(this::shardOf, shard -> running.containsKey(shard) && running.get(shard).session().position() != null,
        "dsc.voice." + resetId, System.currentTimeMillis()).forEach((shard, events) -> {
          Running r = running.get(shard);
          ShardPosition at = r.session().position();
          r.pipe().offer(at.sessionId(), at.seq(), events);
        });
  }

  // ---- what the sessions report ----

  @Override
  public void onDispatch(int shardId, String type, JsonObject d, long seq, String sessionId) {
    Running r = running.get(shardId);
    if (r == null) {
      return;
    }
    List<GatewayEvent> events;
    metrics.dispatch();
    try {
      events = mapper.map(type, d, sessionId, seq, System.currentTimeMillis());
    } catch (RuntimeException e) {
      metrics.unmapped();
      long suppressed = unmappedLog.acquire(System.currentTimeMillis());
      if (suppressed >= 0) {
        log.warn("discord shard {}: {} at seq {} could not be mapped: {}{}", shardId, type, seq, e.getMessage(),
            suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : "");
      }
      events = List.of();
    }
    publishFacts(type, d); // first: a command that follows one of these events finds the channel known
    r.pipe().offer(sessionId, seq, events);
  }

  /** What every node's gateway keeps besides events: the guilds' channels, the bot's own messages by nonce. */
  private void publishFacts(String type, JsonObject d) {
    var channels = ChannelFacts.of(type, d, nodeId);
    if (channels != null) {
      vertx.eventBus().publish(Addresses.DISCORD_CHANNELS, channels);
    }
    var member = ChannelFacts.member(type, d);
    if (member != null) {
      vertx.eventBus().publish(Addresses.DISCORD_MEMBERS, member);
    }
    var echo = SentMessages.echoOf(type, d);
    if (echo != null) {
      vertx.eventBus().publish(Addresses.DISCORD_ECHOES, echo);
    }
  }

  @Override
  public void onSeqAnomaly(int shardId, String kind) {
    metrics.seqAnomaly(kind);
  }

  @Override
  public void onSessionLost(int shardId) {
    // Its guilds' voice states are stale; the new session's GUILD_CREATE announces them again.
    mapper.voiceStates().forgetGuilds(g -> shardOf(g) == shardId);
  }

  private int shardOf(String guildId) {
    try {
      return slots.length == 0 ? -1 : (int) ((Long.parseLong(guildId) >> 22) % slots.length);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void onReset(int shardId, String reason) {
    Running r = running.get(shardId);
    if (r != null) {
      ShardPosition p = r.session().position();
      r.pipe().reset(p == null ? null : p.sessionId(), reason);
    }
  }

  @Override
  public void onState(int shardId, ShardState state, String detail) {
    Running r = running.get(shardId);
    if (r != null) {
      publish(shardId, r, state.name().toLowerCase(java.util.Locale.ROOT), detail, false);
    }
  }

  /**
   * A shard this node handed over keeps being announced, with its resume position, until another
   * node reports it: a node that starts after the hand-over learns the session to resume too.
   */
  private void republishReleased() {
    for (ShardStatus s : statuses.all()) {
      if (s.released() && nodeId.equals(s.nodeId()) && !running.containsKey(s.shardId())) {
        vertx.eventBus().publish(Addresses.DISCORD_SHARD_STATUS, s);
      }
    }
  }

  private void publishStatus(int shardId) {
    Running r = running.get(shardId);
    if (r != null) {
      ShardState state = r.session().state();
      publish(shardId, r, state.name().toLowerCase(java.util.Locale.ROOT), lastDetail(shardId, state), false);
    }
  }

  private String lastDetail(int shardId, ShardState state) {
    if (state == ShardState.BACKOFF) {
      Running r = running.get(shardId);
      return r == null ? null : r.session().detail();
    }
    ShardStatus last = statuses.last(shardId);
    return state == ShardState.FAILED && last != null ? last.detail() : null;
  }

  /**
   * The position published (on the bus, and saved with the lease under its epoch) is what the link
   * holder confirmed, so a new holder replays nothing that is lost.
   */
  private Future<Void> publish(int shardId, Running r, String state, String detail, boolean released) {
    ShardPosition live = r.session().position();
    String session = r.pipe().confirmedSession();
    String resumeUrl = live != null && live.sessionId().equals(session) ? live.resumeUrl() : null;
    var status = new ShardStatus(shardId, slots.length, nodeId, state, detail, session, r.pipe().confirmedSeq(),
        resumeUrl, released);
    vertx.eventBus().publish(Addresses.DISCORD_SHARD_STATUS, status);
    if (session == null || resumeUrl == null || status.seq() == null) {
      return Future.succeededFuture();
    }
    JsonObject position = new ShardPosition(session, status.seq(), resumeUrl).toJson().put("shardCount", slots.length);
    return wiring.savePosition(shardId, r.epoch(), position).timeout(2, java.util.concurrent.TimeUnit.SECONDS).recover(err -> {
      log.warn("could not save the position of Discord shard {} ({})", shardId, err.getMessage());
      return Future.succeededFuture();
    });
  }

  private void remember(ShardStatus s) {
    boolean fromOther = !nodeId.equals(s.nodeId());
    statuses.remember(s, System.currentTimeMillis());
    if (fromOther && running.containsKey(s.shardId()) && !s.released() && !"stopped".equals(s.state())) {
      log.warn("discord shard {} is reported by {} too; the lease decides who keeps it", s.shardId(), s.nodeId());
    }
  }

  private void observe(StreamEvent e) {
    if (e.kind() == StreamEvent.Kind.RESET && slots.length > 0) {
      reannounceVoice(e.streamIdText());
      return;
    }
    if (e.kind() != StreamEvent.Kind.EVENT || !EventName.isVoice(e.name()) || slots.length == 0) {
      return;
    }
    int shard = shardOf(e.guildId());
    if (!running.containsKey(shard)) {
      mapper.voiceStates().observe(new GatewayEvent(e.eventId() == null ? "x" : e.eventId(), e.name(), e.guildId(), e.channelId(),
          e.occurredAt(), e.data(), e.traceId()));
    }
  }
}
