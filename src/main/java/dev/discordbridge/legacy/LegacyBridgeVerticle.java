package dev.discordbridge.legacy;

import dev.discordbridge.auth.Caller;
import dev.discordbridge.bus.Addresses;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.ops.Metrics;
import dev.discordbridge.ops.TraceLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The legacy socket protocol (CONTRACT section 5), deployed only with {@code ENABLE_WS_BRIDGE=true}.
 * Answers frames the edges relay ({@code bridge.legacy.inbound}), translates voice events into
 * legacy frames published once per guild ({@code bridge.legacy.broadcast}), and keeps the
 * deprecation gauges that tell an operator when the flag can be retired.
 *
 * <p>All legacy traffic stays on the node (local-only delivery): each node's bridge serves that
 * node's sockets. With several instances on a node, every instance answers frames, and one of
 * them (the first to start) translates events and keeps the gauges, so a broadcast is published
 * once per node.
 */
public final class LegacyBridgeVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(LegacyBridgeVerticle.class);

  /** Errors a connection may cause before it is closed with 1008. */
  static final int MAX_ERRORS = 5;
  private static final int MAX_REMEMBERED_USERS = 100_000;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final String SHARED_MAP = "bridge.legacy";

  private final BridgeConfig config;
  private SharedState shared;
  private boolean primary;

  // primary only (one event loop): usernames, open sockets, subscribers per guild
  private final Map<String, String> usernames = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > MAX_REMEMBERED_USERS;
    }
  };
  private final Map<String, List<String>> openSockets = new HashMap<>();
  /** Per-guild gauges, only for guilds with at least one subscribed socket (a series leaves at zero). */
  private final Map<String, GuildGauge> socketsByGuild = new ConcurrentHashMap<>();
  private final AtomicInteger socketsOpen = new AtomicInteger();
  private Counter framesIn;
  private Counter framesOut;

  public LegacyBridgeVerticle(BridgeConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    LocalMap<String, SharedState> map = vertx.sharedData().getLocalMap(SHARED_MAP);
    SharedState fresh = new SharedState(deploymentID());
    SharedState existing = map.putIfAbsent("state", fresh);
    shared = existing != null ? existing : fresh;
    primary = existing == null;

    MeterRegistry registry = Metrics.registry();
    framesIn = Counter.builder("bridge_legacy_frames_total").tag("direction", "in")
        .description("Frames on legacy /api/ws sockets (deprecated)").register(registry);
    framesOut = Counter.builder("bridge_legacy_frames_total").tag("direction", "out")
        .description("Frames on legacy /api/ws sockets (deprecated)").register(registry);

    var inbound = vertx.eventBus().<JsonObject>localConsumer(Addresses.LEGACY_INBOUND, this::answer);
    if (!primary) {
      return inbound.completion();
    }
    Gauge.builder("bridge_legacy_sockets", socketsOpen, AtomicInteger::get)
        .description("Open legacy /api/ws sockets on this node; 0 for long enough means ENABLE_WS_BRIDGE can be retired")
        .register(registry);
    var events = vertx.eventBus().<StreamEvent>consumer(Addresses.EVENTS, m -> translate(m.body()));
    var connections = vertx.eventBus().<JsonObject>localConsumer(Addresses.LEGACY_CONNECTIONS, m -> track(m.body()));
    return Future.all(inbound.completion(), events.completion(), connections.completion());
  }

  @Override
  public Future<?> stop() {
    if (primary) {
      vertx.sharedData().<String, SharedState>getLocalMap(SHARED_MAP).remove("state", shared);
    }
    return Future.succeededFuture();
  }

  // ---- frames from clients ----

  private void answer(Message<JsonObject> message) {
    JsonObject envelope = message.body();
    framesIn.increment();
    String connectionId = envelope.getString("connectionId", "?");
    String traceId = envelope.getString("traceId");
    Caller caller;
    try {
      caller = Caller.fromJson(envelope.getJsonObject("caller", new JsonObject()));
    } catch (RuntimeException e) {
      message.reply(reply(LegacyFrames.error("INTERNAL", "the caller is unknown"), null, 1011, "internal error"));
      return;
    }
    LegacyFrames.Inbound frame = LegacyFrames.parse(envelope.getString("frame"));
    if (frame instanceof LegacyFrames.Subscribe s) {
      if (caller.mayRead(s.guildId())) {
        framesOut.increment();
        message.reply(reply(LegacyFrames.subscribed(s.guildId()), s.guildId(), 0, null));
        return;
      }
      TraceLog.info(log, traceId, "legacy socket {} of user {} asked for guild {} outside its token", connectionId,
          caller.userId(), s.guildId());
      refuse(message, connectionId, "FORBIDDEN", "guild " + s.guildId() + " is not in your token");
    } else if (frame instanceof LegacyFrames.Ping) {
      framesOut.increment();
      message.reply(reply(LegacyFrames.pong(), null, 0, null));
    } else if (frame instanceof LegacyFrames.Invalid bad) {
      refuse(message, connectionId, bad.code(), bad.message());
    }
  }

  private void refuse(Message<JsonObject> message, String connectionId, String code, String text) {
    framesOut.increment();
    int errors = shared.errors.computeIfAbsent(connectionId, id -> new AtomicInteger()).incrementAndGet();
    if (errors >= MAX_ERRORS) {
      message.reply(reply(LegacyFrames.error(code, text + "; too many errors, closing"), null, 1008,
          "too many invalid frames"));
    } else {
      message.reply(reply(LegacyFrames.error(code, text), null, 0, null));
    }
  }

  private static JsonObject reply(String send, String subscribe, int closeCode, String closeReason) {
    return new JsonObject()
        .put("send", send)
        .put("subscribe", subscribe)
        .put("close", closeCode == 0 ? null : new JsonObject().put("code", closeCode).put("reason", closeReason));
  }

  // ---- voice events to legacy frames (primary only) ----

  private void translate(StreamEvent e) {
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
    vertx.eventBus().publish(Addresses.LEGACY_BROADCAST,
        new JsonObject().put("guildId", e.guildId()).put("frame", frame), LOCAL);
  }

  // ---- connection bookkeeping, deprecation log and gauges (primary only) ----

  private void track(JsonObject event) {
    String id = event.getString("connectionId");
    switch (event.getString("event", "")) {
      case "open" -> {
        if (openSockets.putIfAbsent(id, new ArrayList<>()) == null) {
          socketsOpen.incrementAndGet();
        }
        log.warn("deprecated legacy socket /api/ws opened: connection={} user={} origin={} userAgent=\"{}\" node={}"
                + " (clients should move to /api/stream)", id, event.getString("userId"),
            event.getString("origin"), event.getString("userAgent"), event.getString("nodeId"));
      }
      case "subscribe" -> {
        List<String> guilds = openSockets.get(id);
        String guild = event.getString("guildId");
        if (guilds != null && guild != null && !guilds.contains(guild)) {
          guilds.add(guild);
          GuildGauge gauge = socketsByGuild.get(guild);
          if (gauge == null) {
            gauge = guildGauge(guild); // registered outside any map lock
            socketsByGuild.put(guild, gauge);
          }
          gauge.count().incrementAndGet();
        }
      }
      case "close" -> {
        List<String> guilds = openSockets.remove(id);
        shared.errors.remove(id);
        if (guilds != null) {
          socketsOpen.decrementAndGet();
          guilds.forEach(this::unsubscribed);
        }
      }
      default -> log.debug("unknown legacy connection event {}", event.getString("event"));
    }
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

  /** What the instances of one node share: error counts per connection (frames arrive round-robin). */
  static final class SharedState implements Shareable {
    final String owner;
    final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();

    SharedState(String owner) {
      this.owner = owner;
    }
  }
}
