package dev.discordbridge.edge;

import dev.discordbridge.auth.AuthFailure;
import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.auth.Caller;
import dev.discordbridge.auth.OriginPolicy;
import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.LegacyAnswer;
import dev.discordbridge.bus.LegacyBroadcast;
import dev.discordbridge.bus.LegacyConnection;
import dev.discordbridge.bus.LegacyInbound;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.edge.sse.ChannelViews;
import dev.discordbridge.ops.TraceLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge side of the legacy {@code /api/ws} socket (CONTRACT section 5): 410 when the bridge
 * is off; otherwise origin check, token, upgrade with deprecation headers, frames relayed to the
 * legacy bridge verticle, per-guild broadcasts fanned out to the sockets of this instance.
 *
 * <p>One instance per {@code EdgeVerticle} instance; every method runs on that verticle's event loop, so
 * the socket bookkeeping needs no locks. Bus traffic of the legacy socket stays on this node
 * ({@code localOnly}): each node's legacy bridge serves the sockets of that node.
 */
public final class LegacySocketEdge {
  private static final Logger log = LoggerFactory.getLogger(LegacySocketEdge.class);

  public static final String PATH = "/api/ws";
  public static final String SUCCESSOR = "/api/stream";
  static final String LINK = "<" + SUCCESSOR + ">; rel=\"successor-version\"";
  static final short CLOSE_POLICY = 1008;
  static final short CLOSE_TOO_BIG = 1009;
  static final short CLOSE_UNSUPPORTED = 1003;
  static final short CLOSE_GOING_AWAY = 1001;
  static final short CLOSE_TRY_LATER = 1013;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  /**
   * Messages and pings a socket may send per window; past it the socket is closed with 1008. A
   * legacy client subscribes to a few guilds and pings every 25 s or so: this leaves it ample room,
   * and a socket cannot make the bridge answer pings without end.
   */
  static final int MAX_FRAMES_PER_WINDOW = 20;
  static final long FRAME_WINDOW_MS = 10_000;

  /** Counted where it happens: the running Vert.x's registry (looked up, so each node of a test JVM has its own). */
  private static void countFlood() {
    io.micrometer.core.instrument.Counter.builder("bridge_legacy_sockets_closed_total").tag("reason", "too_many_messages")
        .description("Legacy sockets closed with 1008 for sending more than 20 messages and pings in 10 s")
        .register(dev.discordbridge.ops.Metrics.registry()).increment();
  }

  private final Vertx vertx;
  private final BridgeConfig config;
  private final Authenticator authenticator;
  private final OriginPolicy origins;
  private final DeliveryOptions inboundOptions;
  private final Map<String, Connection> connections = new HashMap<>();
  private final Map<String, Set<Connection>> byGuild = new HashMap<>();

  public LegacySocketEdge(Vertx vertx, BridgeConfig config, Authenticator authenticator, OriginPolicy origins) {
    this.vertx = vertx;
    this.config = config;
    this.authenticator = authenticator;
    this.origins = origins;
    this.inboundOptions = new DeliveryOptions().setLocalOnly(true).setSendTimeout(5_000);
  }

  /**
   * The WebSocket limits of the public port (applied by {@link EdgeVerticle}): a message (all
   * its frames together) is at most {@code WS_MAX_FRAME_BYTES}, up to the configured 1 MiB. Vert.x
   * reassembles messages and reports a longer one to the exception handler, which closes the
   * socket with 1009; Netty refuses a single frame over the frame limit itself, also with 1009
   * (the frame limit stays at least 1 KiB so that close and ping frames always fit).
   */
  public static HttpServerOptions applyLimits(HttpServerOptions options, BridgeConfig config) {
    int max = config.legacy().maxFrameBytes();
    return options.setMaxWebSocketFrameSize(Math.max(max, 1024)).setMaxWebSocketMessageSize(max);
  }

  /** Adds {@code GET /api/ws} to {@code router} and starts consuming broadcasts (when enabled). */
  public Future<Void> mount(Router router) {
    if (!config.legacy().enabled()) {
      router.route(PATH).handler(this::gone);
      return Future.succeededFuture();
    }
    router.get(PATH).handler(this::upgrade);
    router.route(PATH).handler(ctx -> refuse(ctx.response(), 405, "METHOD_NOT_ALLOWED", "use GET with a WebSocket upgrade"));
    var broadcasts = vertx.eventBus().<LegacyBroadcast>localConsumer(Addresses.LEGACY_BROADCAST, m -> fanOut(m.body()));
    vertx.setPeriodic(config.legacy().pingIntervalMs(), id -> pingIdle());
    return broadcasts.completion();
  }

  /** Direct mode with Discord's permissions: what each caller may view; null otherwise. */
  private ChannelViews views;

  /** Voice events of a channel the caller may not view (Discord's permissions) are not sent to them. */
  void viewsBy(ChannelViews views) {
    this.views = views;
    views.alsoWatch(pair -> connections.values().forEach(c -> c.guilds.forEach(g -> pair.accept(g, c.caller.userId()))));
  }

  /** Sockets open on this edge instance (tests, diagnostics). */
  public int openSockets() {
    return connections.size();
  }

  // ---- HTTP side ----

  private void gone(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    deprecation(response);
    response.setStatusCode(410).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(HttpErrors.body(HttpErrors.error("GONE",
            "the legacy WebSocket bridge is turned off; use the Server-Sent Events stream at " + SUCCESSOR)
            .put("successor", SUCCESSOR)).encode());
  }

  private void upgrade(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    deprecation(response);
    if (origins.refusesCrossSite(RequestCredentials.site(request))) {
      refuse(response, 403, "FORBIDDEN", "cross-site WebSocket upgrades are refused for this origin");
      return;
    }
    if (!request.canUpgradeToWebSocket()) {
      response.putHeader(HttpHeaders.UPGRADE, "websocket");
      refuse(response, 426, "UPGRADE_REQUIRED", "this endpoint speaks WebSocket only; new clients use " + SUCCESSOR);
      return;
    }
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    String userAgent = request.getHeader(HttpHeaders.USER_AGENT);
    request.pause();
    authenticator.authenticate(RequestCredentials.of(request))
        .onFailure(err -> {
          request.resume();
          refuse(response, 401, "UNAUTHENTICATED", err instanceof AuthFailure ? err.getMessage() : "the token could not be verified");
        })
        .onSuccess(caller -> {
          request.resume();
          // Headers put on the response before the upgrade are written with the 101.
          request.toWebSocket()
              .onSuccess(ws -> open(ws, caller, origin, userAgent))
              .onFailure(err -> upgradeFailed(request, HttpErrors.traceId(ctx), err));
        });
  }

  /** Vert.x refused the handshake (and answered it): a client's doing, counted and summarised, not a line each. */
  private static void upgradeFailed(HttpServerRequest request, String traceId, Throwable err) {
    ConnectionGuard guard = ConnectionGuard.of(request.connection());
    if (guard != null) {
      guard.refused("ws_upgrade", traceId);
    }
    log.debug("legacy socket upgrade failed: {}", err.getMessage());
  }

  private static void deprecation(HttpServerResponse response) {
    response.putHeader("Deprecation", "true").putHeader("Link", LINK);
  }

  private static void refuse(HttpServerResponse response, int status, String code, String message) {
    if (response.ended()) {
      return;
    }
    deprecation(response);
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(HttpErrors.body(HttpErrors.error(code, message).put("successor", SUCCESSOR)).encode());
  }

  // ---- socket side ----

  private void open(ServerWebSocket ws, Caller caller, String origin, String userAgent) {
    var c = new Connection("ws_" + Ids.newTraceId().substring(0, 20), ws, caller);
    connections.put(c.id, c);
    long untilExpiry = Math.max(1, caller.expiresAtMillis() - System.currentTimeMillis());
    c.expiryTimer = vertx.setTimer(untilExpiry, t -> c.close(CLOSE_POLICY, "token expired"));
    ws.frameHandler(f -> onFrame(c, f));
    ws.textMessageHandler(text -> relay(c, text));
    ws.pongHandler(b -> c.alive());
    ws.exceptionHandler(err -> onError(c, err));
    ws.closeHandler(v -> closed(c));
    vertx.eventBus().publish(Addresses.LEGACY_CONNECTIONS, connectionEvent(LegacyConnection.Event.OPEN, c, null,
        origin, userAgent), LOCAL);
  }

  /**
   * Every frame shows the client is alive; text messages arrive reassembled ({@code textMessageHandler}).
   * Messages and pings count against the socket's budget ({@link #MAX_FRAMES_PER_WINDOW}).
   */
  private void onFrame(Connection c, WebSocketFrame frame) {
    c.alive();
    boolean counted = frame.isPing() || (frame.isText() || frame.isContinuation()) && frame.isFinal();
    if (counted && !c.closed && c.overBudget(System.currentTimeMillis())) {
      log.debug("legacy socket {} sent more than {} messages and pings in {} ms: closed", c.id, MAX_FRAMES_PER_WINDOW,
          FRAME_WINDOW_MS);
      countFlood();
      c.close(CLOSE_POLICY, "too many messages: at most " + MAX_FRAMES_PER_WINDOW + " per " + FRAME_WINDOW_MS / 1000 + " s");
      c.ws.resume(); // a relay in flight paused the socket: the client's close frame must still be read
      return;
    }
    if (frame.isBinary()) {
      c.close(CLOSE_UNSUPPORTED, "text frames only");
    }
  }

  /** Vert.x reports a message over the port's message limit here (an IllegalStateException): 1009. */
  private void onError(Connection c, Throwable err) {
    if (err instanceof IllegalStateException && !c.closed) {
      c.close(CLOSE_TOO_BIG, "message larger than " + config.legacy().maxFrameBytes() + " bytes");
      return;
    }
    log.debug("legacy socket {} error: {}", c.id, err.getMessage());
  }

  private void relay(Connection c, String text) {
    if (c.closed) {
      return;
    }
    String traceId = Ids.newTraceId();
    var inbound = new LegacyInbound(traceId, c.id, c.caller.userId(), List.copyOf(c.caller.guilds()), text, c.errors);
    // One frame at a time per socket: replies keep the order of the frames they answer.
    c.ws.pause();
    vertx.eventBus().<LegacyAnswer>request(Addresses.LEGACY_INBOUND, inbound, inboundOptions)
        .onComplete(ar -> {
          if (!c.closed) {
            c.ws.resume();
          }
          if (ar.succeeded()) {
            act(c, ar.result().body());
          } else {
            String code = ar.cause() instanceof ReplyException re ? re.failureType().name() : "FAILURE";
            TraceLog.warn(log, traceId, "legacy frame from {} not answered: {} {}", c.id, code, ar.cause().getMessage());
            c.send(new JsonObject().put("type", "error").put("code", "UNAVAILABLE")
                .put("message", "the legacy bridge is not available; try again later").encode());
          }
        });
  }

  /** Carries out the legacy bridge's answer: {@code {send, subscribe, close}}. */
  private void act(Connection c, LegacyAnswer answer) {
    if (c.closed) {
      return;
    }
    if (answer.error()) {
      c.errors++;
    }
    String guild = answer.subscribe();
    if (guild != null && views != null && c.caller.mayRead(guild) && !c.guilds.contains(guild)) {
      // The caller's roles first (from the link holder), then the subscription and its answer.
      views.viewsFor(c.caller.userId(), Set.of(guild)).onComplete(v -> subscribe(c, answer, guild));
      return;
    }
    subscribe(c, answer, guild);
  }

  private void subscribe(Connection c, LegacyAnswer answer, String guild) {
    if (c.closed) {
      return;
    }
    if (guild != null && c.caller.mayRead(guild) && c.guilds.add(guild)) {
      byGuild.computeIfAbsent(guild, g -> new LinkedHashSet<>()).add(c);
      vertx.eventBus().publish(Addresses.LEGACY_CONNECTIONS,
          connectionEvent(LegacyConnection.Event.SUBSCRIBE, c, guild, null, null), LOCAL);
    }
    if (answer.send() != null) {
      c.send(answer.send());
    }
    if (answer.closes()) {
      c.close((short) answer.closeCode(), answer.closeReason() == null ? "" : answer.closeReason());
    }
  }

  private void fanOut(LegacyBroadcast broadcast) {
    Set<Connection> subscribers = byGuild.get(broadcast.guildId());
    String frame = broadcast.frame();
    if (subscribers == null) {
      return;
    }
    String channelId = broadcast.channelId();
    for (Connection c : subscribers.toArray(Connection[]::new)) {
      if (channelId != null && (!c.caller.mayView(channelId)
          || views != null && !views.view(broadcast.guildId(), c.caller.userId()).contains(channelId))) {
        continue; // a channel the caller may not see (the token's channels claim, or Discord's permissions)
      }
      if (c.ws.writeQueueFull()) {
        c.close(CLOSE_TRY_LATER, "too slow: write queue full");
      } else {
        c.send(frame);
      }
    }
  }

  private void pingIdle() {
    long now = System.currentTimeMillis();
    long interval = config.legacy().pingIntervalMs();
    for (Connection c : connections.values().toArray(Connection[]::new)) {
      if (c.pingSentAt > 0 && c.lastSeen < c.pingSentAt) {
        c.close(CLOSE_GOING_AWAY, "no pong within " + interval + " ms");
      } else if (now - c.lastSeen >= interval) {
        c.pingSentAt = now;
        c.ws.writePing(Buffer.buffer("ping"));
      }
    }
  }

  private void closed(Connection c) {
    if (connections.remove(c.id) == null) {
      return;
    }
    c.closed = true;
    vertx.cancelTimer(c.expiryTimer);
    for (String g : c.guilds) {
      Set<Connection> set = byGuild.get(g);
      if (set != null && set.remove(c) && set.isEmpty()) {
        byGuild.remove(g);
      }
    }
    vertx.eventBus().publish(Addresses.LEGACY_CONNECTIONS,
        connectionEvent(LegacyConnection.Event.CLOSE, c, null, null, null), LOCAL);
  }

  private LegacyConnection connectionEvent(LegacyConnection.Event event, Connection c, String guildId, String origin,
                                           String userAgent) {
    List<String> guilds = event == LegacyConnection.Event.CLOSE ? List.copyOf(c.guilds) : List.of();
    return new LegacyConnection(event, c.id, c.caller.userId(), config.node().id(), guildId, guilds, origin, userAgent);
  }

  private static final class Connection {
    final String id;
    final ServerWebSocket ws;
    final Caller caller;
    final Set<String> guilds = new HashSet<>();
    /** Invalid frames this socket sent (the legacy bridge closes it at its limit). */
    int errors;
    long lastSeen = System.currentTimeMillis();
    long pingSentAt;
    long expiryTimer = -1;
    boolean closed;
    long windowStart;
    int framesInWindow;

    Connection(String id, ServerWebSocket ws, Caller caller) {
      this.id = id;
      this.ws = ws;
      this.caller = caller;
    }

    void alive() {
      lastSeen = System.currentTimeMillis();
    }

    /** Counts one message or ping; true once the socket sent more than its budget in the window. */
    boolean overBudget(long now) {
      if (now - windowStart >= FRAME_WINDOW_MS) {
        windowStart = now;
        framesInWindow = 0;
      }
      return ++framesInWindow > MAX_FRAMES_PER_WINDOW;
    }

    void send(String frame) {
      if (!closed) {
        ws.writeTextMessage(frame);
      }
    }

    void close(short code, String reason) {
      if (!closed) {
        closed = true;
        ws.close(code, reason);
      }
    }
  }
}
