package dev.discordbridge.legacy;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.LegacyBroadcast;
import dev.discordbridge.bus.LegacyConnection;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.ops.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The legacy bridge's node-wide state, with one owner: deploy exactly one instance per node
 * (with {@code ENABLE_WS_BRIDGE=true}). Translates voice events into legacy frames published once
 * per guild ({@code bridge.legacy.broadcast}), and from the edges' connection events
 * ({@code bridge.legacy.connections}) keeps the deprecation log and the gauges that tell an
 * operator when the flag can be retired. Everything runs on its one event loop: plain maps.
 */
public final class LegacyPresenceVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(LegacyPresenceVerticle.class);
  /** The deprecation warning: one line per interval with the count of sockets opened, never a line each. */
  private final dev.discordbridge.ops.SummaryLog opened = new dev.discordbridge.ops.SummaryLog(log,
      org.slf4j.event.Level.WARN, "deprecated legacy sockets /api/ws (clients should move to /api/stream)", 60_000);
  private static final int MAX_REMEMBERED_USERS = 100_000;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final Map<String, String> usernames = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > MAX_REMEMBERED_USERS;
    }
  };
  private final Map<String, List<String>> openSockets = new HashMap<>();
  /** Per-guild gauges, only for guilds with at least one subscribed socket (a series leaves at zero). */
  private final Map<String, GuildGauge> socketsByGuild = new HashMap<>();
  private final AtomicInteger socketsOpen = new AtomicInteger();
  private Counter framesOut;
  /** The last stream id translated: ids only grow, so a lower one is a handover's repeat. */
  private long lastStreamId = -1;

  /** The legacy frame counter of one direction ({@code in} or {@code out}); the registry keeps one per tag. */
  static Counter frames(String direction) {
    return Counter.builder("bridge_legacy_frames_total").tag("direction", direction)
        .description("Frames on legacy /api/ws sockets (deprecated)").register(Metrics.registry());
  }

  @Override
  public Future<?> start() {
    framesOut = frames("out");
    Gauge.builder("bridge_legacy_sockets", socketsOpen, AtomicInteger::get)
        .description("Open legacy /api/ws sockets on this node; 0 for long enough means ENABLE_WS_BRIDGE can be retired")
        .register(Metrics.registry());
    var events = vertx.eventBus().<StreamEvent>consumer(Addresses.EVENTS, m -> translate(m.body()));
    var connections = vertx.eventBus().<LegacyConnection>localConsumer(Addresses.LEGACY_CONNECTIONS,
        m -> track(m.body()));
    return Future.all(events.completion(), connections.completion());
  }

  // ---- voice events to legacy frames ----

  private void translate(StreamEvent e) {
    if (e.streamId() <= lastStreamId) {
      return; // republished at a handover, and this node already had it
    }
    lastStreamId = e.streamId();
    if (e.kind() != StreamEvent.Kind.EVENT || e.data() == null) {
      return;
    }
    String userId = e.data().getString("userId");
    if ("voice.joined".equals(e.name())) {
      usernames.put(userId, e.data().getString("username"));
    }
    String frame = LegacyFrames.voice(e, usernames.get(userId));
    if (frame == null) {
      return;
    }
    GuildGauge subscribers = socketsByGuild.get(e.guildId());
    if (subscribers != null) {
      framesOut.increment(subscribers.count().get());
    }
    // Published even when no subscriber is known: the edges hold the authoritative subscriptions.
    vertx.eventBus().publish(Addresses.LEGACY_BROADCAST, new LegacyBroadcast(e.guildId(), e.channelId(), frame), LOCAL);
  }

  // ---- connection bookkeeping, deprecation log and gauges ----

  private void track(LegacyConnection event) {
    String id = event.connectionId();
    switch (event.event()) {
      case OPEN -> {
        if (openSockets.putIfAbsent(id, new ArrayList<>()) == null) {
          socketsOpen.incrementAndGet();
        }
        // Summarised: anyone with a token can open sockets at will. The details stay at DEBUG.
        opened.record("opened", null);
        log.debug("deprecated legacy socket /api/ws opened: connection={} user={} origin={} userAgent=\"{}\" node={}",
            id, event.userId(), event.origin(), event.userAgent(), event.nodeId());
      }
      case SUBSCRIBE -> subscribed(id, event.guildId());
      case CLOSE -> {
        List<String> guilds = openSockets.remove(id);
        if (guilds != null) {
          socketsOpen.decrementAndGet();
          guilds.forEach(this::unsubscribed);
        }
      }
    }
  }

  private void subscribed(String connectionId, String guild) {
    List<String> guilds = openSockets.get(connectionId);
    if (guilds == null || guilds.contains(guild)) {
      return;
    }
    guilds.add(guild);
    socketsByGuild.computeIfAbsent(guild, LegacyPresenceVerticle::guildGauge).count().incrementAndGet();
  }

  /** A socket of {@code guild} closed: at zero the guild's series is removed, so guild ids never pile up. */
  private void unsubscribed(String guild) {
    GuildGauge gauge = socketsByGuild.get(guild);
    if (gauge != null && gauge.count().decrementAndGet() <= 0) {
      socketsByGuild.remove(guild);
      Metrics.registry().remove(gauge.gauge());
    }
  }

  private record GuildGauge(AtomicInteger count, Gauge gauge) {}

  private static GuildGauge guildGauge(String guild) {
    var count = new AtomicInteger();
    Gauge gauge = Gauge.builder("bridge_legacy_sockets_by_guild", count, AtomicInteger::get).tag("guild", guild)
        .description("Legacy /api/ws sockets subscribed to a guild on this node (a guild without any has no series)")
        .strongReference(true).register(Metrics.registry());
    return new GuildGauge(count, gauge);
  }
}
