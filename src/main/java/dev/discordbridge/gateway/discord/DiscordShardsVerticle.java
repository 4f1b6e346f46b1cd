package dev.discordbridge.gateway.discord;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.ShardStatus;
import dev.discordbridge.cluster.LinkLease;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.EventName;
import dev.discordbridge.contract.GatewayEvent;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.gateway.Backoff;
import dev.discordbridge.gateway.LogThrottle;
import dev.discordbridge.gateway.UpstreamException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
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

    IdentifyGate identifyGate(GatewayBot.SessionStartLimit limit);

    DiscordRest rest(io.vertx.core.Vertx vertx);
  }

  private final BridgeConfig config;
  private final Wiring wiring;
  private final String nodeId;
  private final Map<Integer, ShardStatus> lastStatus = new HashMap<>();
  private final Map<Integer, Long> lastStatusAt = new HashMap<>();
  private final Map<Integer, Running> running = new HashMap<>();
  private final DispatchMapper mapper = new DispatchMapper();
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
  private long botTimer = -1;
  private Backoff botBackoff;
  private boolean stopping;

  /** A shard this node runs: its session and the pipe to the link holder. */
  private record Running(ShardSession session, ShardPipe pipe) {}

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
    var statuses = vertx.eventBus().<ShardStatus>consumer(Addresses.DISCORD_SHARD_STATUS, m -> remember(m.body()));
    var events = vertx.eventBus().<StreamEvent>consumer(Addresses.EVENTS, m -> observe(m.body()));
    statusTimer = vertx.setPeriodic(STATUS_PERIOD_MS, id -> {
      running.keySet().forEach(this::publishStatus);
      republishReleased();
      heldGauge = running.size();
      readyGauge = (int) running.values().stream().filter(r -> r.session().state() == ShardState.READY).count();
    });
    botBackoff = new Backoff(config.link().backoffBaseMs(), config.link().backoffMaxMs());
    fetchGatewayBot();
    return Future.all(statuses.completion(), events.completion());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(roundTimer);
    vertx.cancelTimer(statusTimer);
    vertx.cancelTimer(botTimer);
    List<Future<Void>> released = new java.util.ArrayList<>();
    for (ShardSlot slot : slots) {
      released.add(slot.release(0));
    }
    return Future.all(released).transform(v -> rest.close());
  }

  // ---- start-up: what Discord says about the bot ----

  private void fetchGatewayBot() {
    rest.gatewayBot().onComplete(ar -> {
      if (stopping) {
        return;
      }
      if (ar.succeeded()) {
        setUp(ar.result());
        return;
      }
      boolean refused = ar.cause() instanceof UpstreamException;
      long delay = refused ? botBackoff.ceiling(Integer.MAX_VALUE) : botBackoff.next();
      if (refused) {
        // Nothing works without a valid token: say so where operators look (the link status, /health/ready).
        vertx.eventBus().publish(Addresses.DISCORD_SHARD_STATUS, new ShardStatus(0, 1, nodeId, "failed",
            "Discord refused the bot token (HTTP 401 on /gateway/bot): reset it on the Bot page of the Developer "
                + "Portal, set DISCORD_BOT_TOKEN and restart", null, null, null, false));
      }
      log.warn("GET /gateway/bot failed ({}); retrying in {} ms", ar.cause().getMessage(), delay);
      botTimer = vertx.setTimer(delay, id -> fetchGatewayBot());
    });
  }

  private void setUp(GatewayBot bot) {
    BridgeConfig.Discord discord = config.discord();
    int count = discord.shards() != null ? discord.shards() : Math.max(1, bot.shards());
    gatewayUrl = discord.gatewayUrl() != null ? discord.gatewayUrl() : URI.create(bot.url());
    gate = wiring.identifyGate(bot.sessionStartLimit());
    log.info("direct Discord mode: {} shard(s), gateway {}, identify max_concurrency {}, {} of {} session starts left today",
        count, gatewayUrl, bot.sessionStartLimit().maxConcurrency(), bot.sessionStartLimit().remaining(),
        bot.sessionStartLimit().total());
    slots = new ShardSlot[count];
    for (int id = 0; id < count; id++) {
      int shard = id;
      slots[id] = new ShardSlot(id, wiring.lease(id), nodeId, () -> gain(shard), keep -> lose(shard, keep));
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
      // Only a READY shard is handed over, so that the next holder resumes its session instead of
      // spending an Identify (1,000 a day) on a new one.
      for (int id = slots.length - 1; id >= 0; id--) {
        Running r = running.get(id);
        if (slots[id].holding() && r != null && r.session().state() == ShardState.READY) {
          log.info("holding {} Discord shards, {} more than this node's share of {} node(s): handing shard {} over",
              held, held - share, members, id);
          slots[id].release(3 * orphanAfterMsOr(5_000));
          held--;
          break;
        }
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
    Long at = lastStatusAt.get(shardId);
    ShardStatus last = lastStatus.get(shardId);
    return at == null || now - at > after || last.released();
  }

  private Future<Void> gain(int shardId) {
    ShardStatus last = lastStatus.get(shardId);
    ShardPosition from = last != null && last.sessionId() != null && last.seq() != null
        ? new ShardPosition(last.sessionId(), last.seq(), last.resumeUrl()) : null;
    var session = new ShardSession(vertx, options(shardId), gate, this);
    var pipe = new ShardPipe(vertx, shardId, nodeId, from == null ? null : from.sessionId(),
        from == null ? null : from.seq());
    running.put(shardId, new Running(session, pipe));
    log.info("starting Discord shard {} of {}{}", shardId, slots.length,
        from == null ? " with a new session" : " by resuming session " + from.sessionId() + " after seq " + from.seq());
    session.start(from);
    return Future.succeededFuture();
  }

  private void lose(int shardId, boolean keepSession) {
    Running r = running.remove(shardId);
    if (r == null) {
      return;
    }
    r.session().stop(true);
    r.pipe().close();
    publish(shardId, r, "stopped", null, keepSession);
    r.session().close();
  }

  private ShardOptions options(int shardId) {
    BridgeConfig.Discord d = config.discord();
    BridgeConfig.Link l = config.link();
    return ShardOptions.of(d.botToken(), gatewayUrl, shardId, slots.length, d.intents()).withCompress(d.compress())
        .withBackoff(l.backoffBaseMs(), l.backoffMaxMs()).withHelloTimeoutMs(l.helloTimeoutMs())
        .withMaxMessageBytes(l.maxFrameBytes()).withMaxFailedResumes(l.maxFailedResumes());
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
    for (ShardStatus s : List.copyOf(lastStatus.values())) {
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
    ShardStatus last = lastStatus.get(shardId);
    return state == ShardState.FAILED && last != null ? last.detail() : null;
  }

  /** The position published is what the link holder confirmed, so a new holder replays nothing that is lost. */
  private void publish(int shardId, Running r, String state, String detail, boolean released) {
    ShardPosition live = r.session().position();
    String session = r.pipe().confirmedSession();
    String resumeUrl = live != null && live.sessionId().equals(session) ? live.resumeUrl() : null;
    var status = new ShardStatus(shardId, slots.length, nodeId, state, detail, session, r.pipe().confirmedSeq(),
        resumeUrl, released);
    vertx.eventBus().publish(Addresses.DISCORD_SHARD_STATUS, status);
  }

  private void remember(ShardStatus s) {
    ShardStatus before = lastStatus.get(s.shardId());
    boolean fromOther = !nodeId.equals(s.nodeId());
    if (before != null && s.sessionId() != null && s.sessionId().equals(before.sessionId())) {
      // The furthest position of a session and its resume URL: a stale status must not move the resume point back.
      Long seq = s.seq() != null && before.seq() != null && s.seq() < before.seq() ? before.seq() : s.seq();
      String resumeUrl = s.resumeUrl() != null ? s.resumeUrl() : before.resumeUrl();
      s = new ShardStatus(s.shardId(), s.shardCount(), s.nodeId(), s.state(), s.detail(), s.sessionId(), seq, resumeUrl,
          s.released());
    }
    lastStatus.put(s.shardId(), s);
    lastStatusAt.put(s.shardId(), System.currentTimeMillis());
    if (fromOther && running.containsKey(s.shardId()) && !s.released() && !"stopped".equals(s.state())) {
      log.warn("discord shard {} is reported by {} too; the lease decides who keeps it", s.shardId(), s.nodeId());
    }
  }

  private void observe(StreamEvent e) {
    if (e.kind() != StreamEvent.Kind.EVENT || !EventName.isVoice(e.name()) || slots.length == 0) {
      return;
    }
    int shard = (int) ((Long.parseLong(e.guildId()) >> 22) % slots.length);
    if (!running.containsKey(shard)) {
      mapper.voiceStates().observe(new GatewayEvent(e.eventId() == null ? "x" : e.eventId(), e.name(), e.guildId(), e.channelId(),
          e.occurredAt(), e.data(), e.traceId()));
    }
  }
}
