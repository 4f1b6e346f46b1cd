package dev.discordbridge.gateway;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.cluster.LeaseKeeper;
import dev.discordbridge.cluster.LinkLease;
import dev.discordbridge.cluster.LocalLinkLease;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.ContractViolation;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.GatewayEvent;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.LinkFrames;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamIds;
import dev.discordbridge.contract.Text;
import dev.discordbridge.contract.Times;
import dev.discordbridge.ops.TraceLog;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream link (CONTRACT section 1, the bridge's side): one WebSocket to the hub, its
 * handshake, heartbeats, resume and backoff; validation of every frame; the stream-id
 * sequencer and event-id de-duplication; and the bus ends of commands and fallback ingestion.
 *
 * <p>Only the link holder talks to the hub ({@link #becomeHolder} / {@link #standDown}); in
 * single-node mode the verticle becomes holder at start. A verticle that is not holder still
 * follows {@link Addresses#EVENTS} so that, should it become holder, its epoch is above every
 * id already published. All state lives on this verticle's context: no locks.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(GatewayVerticle.class);

  /** Largest batch accepted by fallback ingestion. */
  public static final int MAX_INGEST_EVENTS = 1_000;
  private static final long MIN_HEARTBEAT_MS = 50;
  private static final long MAX_HEARTBEAT_MS = 600_000;
  private static final long STATUS_PERIOD_MS = 1_000;

  private final BridgeConfig config;
  private final BridgeConfig.Link link;
  private final Backoff backoff;
  private final EventIdWindow seen;
  private final Sequencer sequencer = new Sequencer();
  private final LogThrottle dropLog = new LogThrottle(5);
  private final LogThrottle noteLog = new LogThrottle(5);
  private final Map<String, Pending> pending = new HashMap<>();
  private LinkMetrics metrics;
  private WebSocketClient client;

  private boolean holder;
  private LinkState state = LinkState.STANDBY;
  private long since = System.currentTimeMillis();
  private int generation;
  private WebSocket socket;
  private String sessionId;
  private Long lastSeq;
  /**
   * The seq of the last event frame of this session, valid or not: what a gap or a step back is
   * measured against (never the resume position; an invalid event must not move that).
   */
  private Long lastFrameSeq;
  private long heartbeatMs;
  private boolean awaitingAck;
  private boolean attempted;
  /** A resume was sent on this socket and nothing has proven it yet (an accepted event, a stable link). */
  private boolean resumeUnproven;
  private int failedResumes;
  /** Why the current socket is closing, when the bridge knows better than the close code (1006 after a 1009). */
  private String closeCause;
  /** The last thing this holder published was a reset: another one before any event adds nothing. */
  private boolean resetIsHead;
  private int reconnects;
  private long heartbeatTimer = -1;
  private long handshakeTimer = -1;
  private long stableTimer = -1;
  private long reconnectTimer = -1;
  private long statusTimer = -1;
  private MessageConsumer<JsonObject> commandConsumer;
  private MessageConsumer<JsonObject> ingestConsumer;
  private final LinkLease lease;
  private LeaseKeeper keeper;
  /** The upstream session of the last holder seen on the bus, and the highest link seq it published. */
  private String observedSession;
  private Long observedSeq;

  /** Requests waiting for the hub's ack of one command id (a retry may join an earlier try). */
  private record Pending(List<Message<JsonObject>> waiters, long timer, String traceId) {}

  public GatewayVerticle(BridgeConfig config) {
    this(config, new LocalLinkLease());
  }

  /** @param lease who may hold the link: always this node alone, or a Hazelcast lease in a cluster */
  public GatewayVerticle(BridgeConfig config, LinkLease lease) {
    this.lease = lease;
    this.config = config;
    this.link = config.link();
    this.backoff = new Backoff(link.backoffBaseMs(), link.backoffMaxMs());
    this.seen = new EventIdWindow(link.dedupeWindow());
  }

  @Override
  public Future<?> start() {
    if (link.gatewayUrl() == null) {
      return Future.failedFuture(new IllegalStateException("the gateway verticle needs GATEWAY_WS_URL (or the embedded hub)"));
    }
    metrics = new LinkMetrics(config.node().id(), () -> state, pending::size);
    // Above LINK_MAX_FRAME_BYTES Vert.x drops a (fragmented) message and reports it, but Netty
    // closes the socket (1009) on one frame that large: the failed-resume limit breaks that loop.
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(link.maxFrameBytes())
        .setMaxMessageSize(link.maxFrameBytes())
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, link.helloTimeoutMs())));
    var events = vertx.eventBus().<StreamEvent>consumer(Addresses.EVENTS, m -> observe(m.body()));
    var statuses = vertx.eventBus().<JsonObject>consumer(Addresses.LINK_STATUS, m -> observeStatus(m.body()));
    var query = vertx.eventBus().<JsonObject>localConsumer(Addresses.LINK_STATUS_QUERY, m -> m.reply(status()));
    statusTimer = vertx.setPeriodic(STATUS_PERIOD_MS, id -> {
      if (holder) {
        publishStatus();
      }
    });
    keeper = new LeaseKeeper(vertx, lease, config.node().id(),
        () -> StreamIds.nextEpoch(System.currentTimeMillis(), sequencer.highestSeen()),
        epoch -> takeLink(observedSession, observedSeq, epoch), this::releaseLink);
    return Future.all(events.completion(), statuses.completion(), query.completion()).compose(v -> keeper.start());
  }

  /**
   * Every event published by any holder: ids seen (so a future term starts above them and never
   * publishes an event twice) and, while another node holds the link, how far its session got.
   */
  private void observe(StreamEvent e) {
    sequencer.observe(e.streamId());
    if (holder) {
      return;
    }
    if (e.eventId() != null) {
      seen.firstSeen(e.eventId());
    }
    if (e.linkSeq() != null && (observedSeq == null || e.linkSeq() > observedSeq)) {
      observedSeq = e.linkSeq();
    }
  }

  private void observeStatus(JsonObject s) {
    if (holder || !s.getBoolean("holder", false) || config.node().id().equals(s.getString("nodeId"))) {
      return;
    }
    String session = s.getString("sessionId");
    Long seq = s.getLong("lastSeq");
    if (session != null && !session.equals(observedSession)) {
      observedSession = session;
      observedSeq = seq;
    } else if (seq != null && (observedSeq == null || seq > observedSeq)) {
      observedSeq = seq;
    }
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(statusTimer);
    return keeper.stop().compose(v -> {
      setState(LinkState.STOPPED);
      return client.close();
    });
  }

  // ---- holding the link ----

  /** Takes the link: a new epoch above every id seen, the command and ingest consumers, a connection. */
  public Future<Void> becomeHolder() {
    return becomeHolder(null, null);
  }

  /**
   * Takes the link, resuming {@code previousSessionId} at {@code previousSeq} when given (a
   * failover where the former holder published its session in the link status).
   */
  public Future<Void> becomeHolder(String previousSessionId, Long previousSeq) {
    return onContext(() -> takeLink(previousSessionId, previousSeq, -1));
  }

  /** @param leaseEpoch the epoch the lease granted (a fencing token), or -1 to take one from the clock */
  private Future<Void> takeLink(String previousSessionId, Long previousSeq, long leaseEpoch) {
    if (holder) {
      return Future.succeededFuture();
    }
    holder = true;
    resetIsHead = false; // other holders may have published since this node's last reset
    if (previousSessionId != null) {
      sessionId = previousSessionId;
      lastSeq = previousSeq;
      lastFrameSeq = previousSeq;
    }
    long epoch = sequencer.startTerm(System.currentTimeMillis(), leaseEpoch);
    log.info("holding the upstream link (epoch {}), connecting to {}", epoch, shown(link.gatewayUrl()));
    commandConsumer = vertx.eventBus().consumer(Addresses.GATEWAY_COMMAND, this::onCommand);
    ingestConsumer = vertx.eventBus().consumer(Addresses.GATEWAY_INGEST, this::onIngest);
    backoff.reset();
    connect();
    return Future.all(commandConsumer.completion(), ingestConsumer.completion()).mapEmpty();
  }

  /** Gives the link up: closes the socket, fails pending commands, stops taking commands and ingestion. */
  public Future<Void> standDown() {
    return onContext(this::releaseLink);
  }

  private Future<Void> releaseLink() {
    if (!holder) {
      return Future.succeededFuture();
    }
    holder = false;
    generation++;
    vertx.cancelTimer(reconnectTimer);
    WebSocket ws = socket;
    linkLost(ws, null);
    if (ws != null) {
      ws.close((short) 1000, "standing down");
    }
    sequencer.endTerm();
    setState(LinkState.STANDBY);
    Future<Void> command = commandConsumer.unregister();
    Future<Void> ingest = ingestConsumer.unregister();
    commandConsumer = null;
    ingestConsumer = null;
    return Future.all(command, ingest).mapEmpty();
  }

  // ---- connection life cycle ----

  private void connect() {
    reconnectTimer = -1;
    if (!holder) {
      return;
    }
    if (attempted) {
      reconnects++;
      metrics.reconnect();
    }
    attempted = true;
    setState(LinkState.CONNECTING);
    URI url = link.gatewayUrl();
    boolean ssl = "wss".equalsIgnoreCase(url.getScheme());
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    var options = new WebSocketConnectOptions()
        .setHost(url.getHost())
        .setPort(url.getPort() > 0 ? url.getPort() : ssl ? 443 : 80)
        .setSsl(ssl)
        .setURI(url.getRawQuery() == null ? path : path + "?" + url.getRawQuery())
        .setTimeout(link.helloTimeoutMs())
        .addHeader(HttpHeaders.AUTHORIZATION.toString(), "Bearer " + link.linkToken());
    int attempt = ++generation;
    client.connect(options).onComplete(ar -> {
      if (attempt != generation) {
        if (ar.succeeded()) {
          ar.result().close();
        }
      } else if (ar.failed()) {
        onConnectFailed(ar.cause());
      } else {
        onOpen(ar.result());
      }
    });
  }

  /** The one log line of a failed connection attempt (Vert.x's own "Connection evicted" is silenced in logback.xml). */
  private void onConnectFailed(Throwable cause) {
    if (cause instanceof UpgradeRejectedException r && (r.getStatus() == 401 || r.getStatus() == 403)) {
      long delay = scheduleReconnect(true);
      log.error("link token rejected by the hub at {} (HTTP {}): check LINK_TOKEN; {}",
          shown(link.gatewayUrl()), r.getStatus(), retrying(delay));
    } else {
      String reason = cause instanceof UpgradeRejectedException r ? "the hub answered HTTP " + r.getStatus() : describe(cause);
      long delay = scheduleReconnect(false);
      log.warn("upstream link to {} failed to connect: {}; {}", shown(link.gatewayUrl()), reason, retrying(delay));
    }
  }

  private void onOpen(WebSocket ws) {
    socket = ws;
    closeCause = null;
    setState(LinkState.HANDSHAKING);
    ws.textMessageHandler(text -> onText(ws, text));
    ws.binaryMessageHandler(b -> {
      if (ws == socket) {
        metrics.received("other");
        drop("binary_frame", "binary frames are not part of the link protocol", null);
      }
    });
    ws.exceptionHandler(err -> {
      if (ws != socket || err instanceof HttpClosedException) {
        return; // the close handler logs the close, once
      }
      if (tooLarge(err)) {
        if (err instanceof CorruptedWebSocketFrameException) {
          closeCause = "a frame above LINK_MAX_FRAME_BYTES (" + link.maxFrameBytes() + ")";
        }
        drop("too_large", describe(err) + " (LINK_MAX_FRAME_BYTES=" + link.maxFrameBytes() + ")", null);
      } else if (noteLog.acquire(System.currentTimeMillis()) >= 0) {
        log.warn("upstream link error: {}", describe(err));
      }
    });
    ws.closeHandler(v -> onClosed(ws));
    awaitHandshake(ws, "hello");
  }

  private void onClosed(WebSocket ws) {
    if (ws != socket) {
      return;
    }
    Short code = ws.closeStatusCode();
    if (code != null && code == LinkFrames.CLOSE_AUTH_FAILED) {
      long delay = linkLost(ws, "auth");
      log.error("link token rejected by the hub at {} (close {}): check LINK_TOKEN; {}",
          shown(link.gatewayUrl()), code, retrying(delay));
    } else {
      LinkState was = state;
      long delay = linkLost(ws, "closed");
      log.warn("upstream link closed (code {}, reason \"{}\"{}) in state {}; {}", code,
          ws.closeReason() == null ? "" : cap(Text.cleanName(ws.closeReason()), 200),
          closeCause == null ? "" : ", after " + closeCause, was.wire(), retrying(delay));
    }
  }

  /** Closes {@code ws} on our side (hello timeout, zombie) and reconnects. */
  private void abandon(WebSocket ws, String why) {
    if (ws != socket) {
      return;
    }
    long delay = linkLost(ws, why);
    log.warn("abandoning the upstream link ({}); {}", why, retrying(delay));
    ws.close((short) 4000, why);
  }

  /**
   * The socket is gone (or being closed): stop its timers, fail the commands waiting on it, count
   * a resume it did not complete, and reconnect unless {@code why} is null (standing down).
   *
   * @return the delay before the reconnect, or -1 when none is scheduled
   */
  private long linkLost(WebSocket ws, String why) {
    if (ws != null && ws != socket) {
      return -1;
    }
    socket = null;
    vertx.cancelTimer(heartbeatTimer);
    vertx.cancelTimer(handshakeTimer);
    vertx.cancelTimer(stableTimer);
    awaitingAck = false;
    failPending();
    if (resumeUnproven && why != null) {
      resumeFailed();
    }
    resumeUnproven = false;
    if (why != null && holder) {
      return scheduleReconnect("auth".equals(why));
    }
    return -1;
  }

  /**
   * A resume ended before any event was accepted: the hub may replay a frame this bridge cannot
   * read (one above LINK_MAX_FRAME_BYTES closes the socket). After LINK_MAX_FAILED_RESUMES in a
   * row the session is given up: the next hello starts a fresh one, and every stream refetches.
   */
  private void resumeFailed() {
    failedResumes++;
    metrics.resumeFailed();
    if (failedResumes < link.maxFailedResumes() || sessionId == null) {
      return;
    }
    String lost = sessionId;
    log.warn("giving up upstream session {} after {} failed resumes in a row (last seq {}); the next connection starts a fresh session",
        lost, failedResumes, lastSeq);
    metrics.sessionAbandoned("failed_resumes");
    publishReset("upstream session " + lost + " abandoned after " + failedResumes + " failed resumes");
    sessionId = null;
    lastSeq = null;
    lastFrameSeq = null;
    failedResumes = 0;
  }

  private static String retrying(long delay) {
    return delay < 0 ? "not reconnecting" : "reconnecting in " + delay + " ms";
  }

  /** True for an inbound message above the link's limit (Vert.x drops it; Netty closes the socket with 1009). */
  private static boolean tooLarge(Throwable err) {
    if (err instanceof CorruptedWebSocketFrameException c) {
      return c.closeStatus() != null && c.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code();
    }
    return err instanceof IllegalStateException && err.getMessage() != null && err.getMessage().contains("max message size");
  }

  /** @return the delay before the next attempt */
  private long scheduleReconnect(boolean authFailure) {
    if (authFailure) {
      // A rejected token will not fix itself in milliseconds: wait as if many tries had failed.
      backoff.saturate();
    }
    long delay = backoff.next();
    if (authFailure) {
      delay = Math.max(delay, link.backoffBaseMs());
    }
    setState(LinkState.BACKOFF);
    delay = Math.max(1, delay);
    reconnectTimer = vertx.setTimer(delay, id -> connect());
    return delay;
  }

  /** The hub must send {@code what} (hello, or the end of a resume) within the hello timeout. */
  private void awaitHandshake(WebSocket ws, String what) {
    vertx.cancelTimer(handshakeTimer);
    handshakeTimer = vertx.setTimer(link.helloTimeoutMs(), id -> abandon(ws, "no " + what + " within " + link.helloTimeoutMs() + " ms"));
  }

  private void startHeartbeats(WebSocket ws) {
    vertx.cancelTimer(heartbeatTimer);
    awaitingAck = false;
    heartbeatTimer = vertx.setPeriodic(heartbeatMs, id -> {
      if (ws != socket) {
        vertx.cancelTimer(id);
      } else if (awaitingAck) {
        abandon(ws, "no heartbeatAck within " + heartbeatMs + " ms (zombie link)");
      } else {
        awaitingAck = true;
        ws.writeTextMessage(LinkFrames.heartbeat(lastSeq).encode());
      }
    });
  }

  // ---- frames from the hub ----

  private void onText(WebSocket ws, String text) {
    if (ws != socket) {
      return;
    }
    long receivedAt = System.currentTimeMillis();
    JsonObject frame;
    try {
      frame = InboundFrame.parse(text);
    } catch (ContractViolation v) {
      metrics.received("other");
      drop(v.reason(), v.getMessage(), null);
      return;
    }
    String type = frame.getString("type");
    metrics.received(type);
    switch (type) {
      case LinkFrames.HELLO -> onHello(ws, frame);
      case LinkFrames.RESUMED -> onResumed(frame);
      case LinkFrames.INVALID_SESSION -> onInvalidSession(ws);
      case LinkFrames.HEARTBEAT_ACK -> awaitingAck = false;
      case LinkFrames.EVENT -> onEventFrame(ws, frame, receivedAt);
      case LinkFrames.ACK -> onAck(frame);
      default -> drop("unknown_type", "unknown frame type", null);
    }
  }

  private void onHello(WebSocket ws, JsonObject hello) {
    if (state != LinkState.HANDSHAKING) {
      drop("unexpected_frame", "hello in state " + state.wire(), null);
      return;
    }
    vertx.cancelTimer(handshakeTimer);
    heartbeatMs = Math.max(MIN_HEARTBEAT_MS, Math.min(MAX_HEARTBEAT_MS, hello.getLong("heartbeatIntervalMs")));
    startHeartbeats(ws);
    boolean resumable = hello.getBoolean("resumable", false);
    if (sessionId != null && resumable) {
      setState(LinkState.RESUMING);
      resumeUnproven = true;
      lastFrameSeq = lastSeq; // the replay starts right after the resume position
      ws.writeTextMessage(LinkFrames.resume(sessionId, lastSeq).encode());
      awaitHandshake(ws, "resumed");
      return;
    }
    if (sessionId != null) {
      publishReset("upstream session " + sessionId + " is not resumable");
    }
    adopt(ws, hello.getString("sessionId"));
  }

  private void adopt(WebSocket ws, String fresh) {
    log.info("upstream session {} started (heartbeat every {} ms)", fresh, heartbeatMs);
    sessionId = fresh;
    lastSeq = null;
    lastFrameSeq = null;
    resumeUnproven = false;
    failedResumes = 0;
    connected(ws);
  }

  private void connected(WebSocket ws) {
    setState(LinkState.CONNECTED);
    vertx.cancelTimer(stableTimer);
    long stableAfter = Math.max(500, Math.min(30_000, 2 * heartbeatMs));
    stableTimer = vertx.setTimer(stableAfter, id -> {
      if (ws == socket && state == LinkState.CONNECTED) {
        backoff.reset();
        resumeUnproven = false;
        failedResumes = 0;
      }
    });
  }

  private void onResumed(JsonObject frame) {
    if (state != LinkState.RESUMING) {
      drop("unexpected_frame", "resumed in state " + state.wire(), null);
      return;
    }
    vertx.cancelTimer(handshakeTimer);
    log.info("upstream session {} resumed after seq {}", sessionId, lastSeq);
    connected(socket);
  }

  private void onInvalidSession(WebSocket ws) {
    if (state == LinkState.HANDSHAKING && sessionId == null) {
      drop("unexpected_frame", "invalidSession before any session", null);
      return;
    }
    String lost = sessionId;
    vertx.cancelTimer(heartbeatTimer);
    vertx.cancelTimer(stableTimer);
    awaitingAck = false;
    sessionId = null;
    lastSeq = null;
    lastFrameSeq = null;
    resumeUnproven = false; // the hub answered the resume: not a resume that failed to read
    failedResumes = 0;
    if (lost != null) {
      publishReset("upstream session " + lost + " could not be resumed");
    }
    setState(LinkState.HANDSHAKING);
    awaitHandshake(ws, "hello");
  }

  /**
   * One event frame. Only a validated event moves the resume position ({@code lastSeq}), and the
   * event-id window, not the seq, decides what was already delivered. Against the seq of the
   * previous event frame (valid or not):
   * <ul>
   *   <li>seq = previous + 1 (or the first of a session): the normal case;
   *   <li>seq > previous + 1: the hub skipped events; counted ({@code gap}), logged, and every
   *       open stream gets a {@code reset} (before the event, when it is valid);
   *   <li>seq <= previous: counted ({@code regress}) and logged when the event is new; it is
   *       delivered, and the position follows the hub back to its seq, so that a resume asks
   *       for everything after it (what comes twice is dropped by event id; nothing is skipped).
   * </ul>
   * An event whose id was already seen is dropped ({@code replayed} when its seq is not above
   * the position, {@code duplicate} otherwise; the latter still moves the position forward).
   */
  private void onEventFrame(WebSocket ws, JsonObject frame, long receivedAt) {
    Object raw = frame.getValue("event");
    if (state != LinkState.CONNECTED && state != LinkState.RESUMING) {
      drop("unexpected_frame", "event in state " + state.wire(), traceOf(raw));
      return;
    }
    Long seq = InboundFrame.integer(frame.getValue("seq"));
    if (seq == null) {
      drop("bad_frame", "event.seq is required on the link", traceOf(raw));
      return;
    }
    if (state == LinkState.RESUMING) {
      awaitHandshake(ws, "resumed"); // a long replay keeps the resume alive
    }
    Long previous = lastFrameSeq;
    lastFrameSeq = seq;
    if (previous != null && seq > previous + 1) {
      seqAnomaly("gap", receivedAt, "upstream seq jumped from {} to {}: the hub skipped {} event(s); streams reset",
          previous, seq, seq - previous - 1);
      publishReset("upstream seq jumped from " + previous + " to " + seq + ": events may have been lost");
    }
    GatewayEvent event;
    try {
      event = GatewayEvent.fromJson(raw, link::forwardsUnknown);
    } catch (ContractViolation v) {
      drop(v.reason(), v.getMessage() + " (seq " + seq + ")", traceOf(raw));
      return;
    }
    boolean fresh = seen.firstSeen(event.id());
    if (!fresh && lastSeq != null && seq <= lastSeq) {
      metrics.dropped("replayed");
      log.debug("event seq {} already received (last {}), dropped", seq, lastSeq);
      return;
    }
    if (fresh && previous != null && seq <= previous) {
      seqAnomaly("regress", receivedAt, "upstream seq went back from {} to {} with a new event {}: delivered; resuming from {} from now on",
          previous, seq, event.id(), seq);
    }
    lastSeq = seq;
    resumeUnproven = false;
    failedResumes = 0;
    if (fresh) {
      long now = System.currentTimeMillis();
      publish(StreamEvent.of(event, sequencer.next(now), seq, true, receivedAt, now));
    } else {
      metrics.dropped("duplicate");
    }
  }

  private void seqAnomaly(String kind, long now, String format, Object... args) {
    metrics.seqAnomaly(kind);
    long suppressed = noteLog.acquire(now);
    if (suppressed >= 0) {
      log.warn(format + (suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : ""), args);
    }
  }

  /**
   * Validates, de-duplicates, sequences and publishes one event of fallback ingestion.
   *
   * @return false when the event id was already seen
   */
  private boolean accept(Object raw, Long upstreamSeq, long receivedAt) {
    GatewayEvent event = GatewayEvent.fromJson(raw, link::forwardsUnknown);
    if (!seen.firstSeen(event.id())) {
      return false;
    }
    long now = System.currentTimeMillis();
    publish(StreamEvent.of(event, sequencer.next(now), upstreamSeq, false, receivedAt, now));
    return true;
  }

  /** Every open stream must refetch: the reset takes its own stream id, so the window restarts after it. */
  private void publishReset(String reason) {
    if (resetIsHead) {
      // Streams already refetch after the last reset and nothing was published since: one is enough
      // (a hub that sends seq jumps back to back cannot make every browser refetch again and again).
      log.debug("stream reset not repeated: {}", reason);
      return;
    }
    StreamEvent reset = StreamEvent.reset(sequencer.next(System.currentTimeMillis()), reason);
    log.warn("stream reset {} published: {}", reset.streamIdText(), reason);
    publish(reset);
  }

  private void publish(StreamEvent e) {
    resetIsHead = e.kind() == StreamEvent.Kind.RESET;
    vertx.eventBus().publish(Addresses.EVENTS, e);
    metrics.published(e);
  }

  private void drop(String reason, String message, String traceId) {
    metrics.dropped(reason);
    long suppressed = dropLog.acquire(System.currentTimeMillis());
    if (suppressed >= 0) {
      TraceLog.warn(log, traceId == null ? "-" : traceId, "dropped a frame from the hub ({}): {}{}", reason, message,
          suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : "");
    }
  }

  private static String traceOf(Object event) {
    if (event instanceof JsonObject e && e.getValue("trace") instanceof JsonObject t && Ids.isTraceId(t.getValue("traceId"))) {
      return t.getString("traceId");
    }
    return null;
  }

  // ---- commands ----

  private void onCommand(Message<JsonObject> m) {
    GatewayCommand command;
    try {
      command = GatewayCommand.fromJson(m.body());
    } catch (RuntimeException e) {
      m.fail(400, "BAD_COMMAND: " + e.getMessage());
      return;
    }
    if (!Ids.isOpaqueId(command.id()) || command.name() == null) {
      m.fail(400, "BAD_COMMAND: id and name are required");
      return;
    }
    WebSocket ws = socket;
    if (state != LinkState.CONNECTED || ws == null) {
      m.fail(503, "LINK_DOWN");
      return;
    }
    String id = command.id();
    String traceId = Ids.isTraceId(command.traceId()) ? command.traceId() : "-";
    Pending earlier = pending.remove(id);
    List<Message<JsonObject>> waiters = new ArrayList<>();
    if (earlier != null) {
      vertx.cancelTimer(earlier.timer());
      waiters.addAll(earlier.waiters());
    }
    waiters.add(m);
    long timer = vertx.setTimer(config.command().attemptTimeoutMs(), t -> {
      Pending p = pending.get(id);
      if (p != null && p.timer() == t) {
        pending.remove(id);
        TraceLog.info(log, p.traceId(), "no ack for command {} within {} ms; forgetting it", id,
            config.command().attemptTimeoutMs());
      }
    });
    pending.put(id, new Pending(waiters, timer, traceId));
    ws.writeTextMessage(LinkFrames.command(command).encode()).onFailure(err -> {
      Pending p = pending.get(id);
      if (p != null && p.timer() == timer) {
        pending.remove(id);
        vertx.cancelTimer(timer);
        TraceLog.warn(log, traceId, "command {} could not be written upstream: {}", id, describe(err));
        p.waiters().forEach(w -> w.fail(503, "LINK_DOWN"));
      }
    });
  }

  private void onAck(JsonObject ack) {
    String id = ack.getString("commandId");
    Pending p = pending.remove(id);
    if (p == null) {
      if (noteLog.acquire(System.currentTimeMillis()) >= 0) {
        log.info("ack for unknown command {} ignored (late, or not ours)", Text.cleanName(id));
      }
      return;
    }
    vertx.cancelTimer(p.timer());
    JsonObject reply;
    if (ack.getBoolean("ok")) {
      JsonObject result = ack.getJsonObject("result");
      reply = new JsonObject().put("ok", true).put("result", result == null ? new JsonObject() : result);
    } else {
      JsonObject error = upstreamError(ack.getJsonObject("error"));
      TraceLog.info(log, p.traceId(), "hub refused command {}: {} ({})", id, error.getString("code"),
          error.getBoolean("retryable") ? "retryable" : "final");
      reply = new JsonObject().put("ok", false).put("error", error);
    }
    p.waiters().forEach(w -> w.reply(reply));
  }

  /** The hub's error, reduced to the contract's fields with sane types. */
  static JsonObject upstreamError(JsonObject e) {
    JsonObject error = e == null ? new JsonObject() : e;
    Object code = error.getValue("code");
    Object message = error.getValue("message");
    Long retryAfter = InboundFrame.integer(error.getValue("retryAfterMs"));
    return new JsonObject()
        .put("code", code instanceof String s && !s.isBlank() ? cap(Text.cleanName(s), 64) : "UPSTREAM_ERROR")
        .put("message", message instanceof String s ? cap(Text.cleanName(s), 500) : "")
        .put("retryable", Boolean.TRUE.equals(error.getValue("retryable")))
        .put("retryAfterMs", retryAfter == null || retryAfter < 0 ? null : retryAfter);
  }

  private void failPending() {
    if (pending.isEmpty()) {
      return;
    }
    List<Pending> waiting = new ArrayList<>(pending.values());
    pending.clear();
    for (Pending p : waiting) {
      vertx.cancelTimer(p.timer());
      p.waiters().forEach(w -> w.fail(503, "LINK_DOWN"));
    }
    log.info("upstream link lost with {} command(s) awaiting an ack; failed them as LINK_DOWN", waiting.size());
  }

  // ---- fallback ingestion ----

  private void onIngest(Message<JsonObject> m) {
    JsonObject envelope = m.body();
    String traceId = Ids.isTraceId(envelope.getValue("traceId")) ? envelope.getString("traceId") : Ids.newTraceId();
    Object bodyValue = envelope.getValue("body");
    JsonArray fields = new JsonArray();
    JsonArray events = null;
    if (!(bodyValue instanceof JsonObject body)) {
      fields.add(field("body", "must be a JSON object {\"v\": 1, \"events\": [...]}"));
    } else {
      if (!(body.getValue("v") instanceof Integer v) || v != LinkFrames.VERSION) {
        fields.add(field("v", "must be " + LinkFrames.VERSION));
      }
      if (!(body.getValue("events") instanceof JsonArray a) || a.isEmpty() || a.size() > MAX_INGEST_EVENTS) {
        fields.add(field("events", "must be an array of 1 to " + MAX_INGEST_EVENTS + " event frames"));
      } else {
        events = a;
      }
    }
    if (!fields.isEmpty()) {
      TraceLog.warn(log, traceId, "ingestion request refused: {}", fields.encode());
      m.reply(new JsonObject().put("status", 400).put("body", new JsonObject().put("error", new JsonObject()
          .put("code", "VALIDATION_FAILED").put("message", "the body is not an event batch").put("fields", fields))));
      return;
    }
    long receivedAt = System.currentTimeMillis();
    int accepted = 0;
    int duplicates = 0;
    JsonArray rejected = new JsonArray();
    for (int i = 0; i < events.size(); i++) {
      Object item = events.getValue(i);
      try {
        if (!(item instanceof JsonObject frame)) {
          throw new ContractViolation("bad_frame", null, "must be an event frame object");
        }
        InboundFrame.check(frame);
        if (!LinkFrames.EVENT.equals(frame.getString("type"))) {
          throw new ContractViolation("unknown_type", "type", "type must be \"event\"");
        }
        // A seq here is informative only: it never moves the link's resume position.
        if (accept(frame.getValue("event"), InboundFrame.integer(frame.getValue("seq")), receivedAt)) {
          accepted++;
        } else {
          duplicates++;
        }
      } catch (ContractViolation v) {
        rejected.add(new JsonObject().put("index", i).put("reason", v.getMessage()));
      }
    }
    metrics.ingest("accepted", accepted);
    metrics.ingest("duplicate", duplicates);
    metrics.ingest("rejected", rejected.size());
    if (!rejected.isEmpty()) {
      TraceLog.warn(log, traceId, "ingestion: {} accepted, {} duplicates, {} rejected (first: {})", accepted, duplicates,
          rejected.size(), rejected.getJsonObject(0).getString("reason"));
    }
    m.reply(new JsonObject().put("status", 200).put("body", new JsonObject()
        .put("accepted", accepted).put("duplicates", duplicates).put("rejected", rejected)));
  }

  private static JsonObject field(String field, String message) {
    return new JsonObject().put("field", field).put("message", message);
  }

  // ---- status ----

  private void setState(LinkState next) {
    if (next != state) {
      state = next;
      since = System.currentTimeMillis();
      publishStatus();
    }
  }

  private void publishStatus() {
    vertx.eventBus().publish(Addresses.LINK_STATUS, status());
  }

  /** The link status of docs/architecture.md; session and seq let a new holder resume. */
  JsonObject status() {
    long head = holder ? sequencer.head() : sequencer.highestSeen();
    return new JsonObject()
        .put("nodeId", config.node().id())
        .put("holder", holder)
        .put("state", state.wire())
        .put("usable", state == LinkState.CONNECTED)
        .put("sessionId", sessionId)
        .put("lastSeq", lastSeq)
        .put("headStreamId", head < 0 ? null : StreamIds.format(head))
        .put("epoch", sequencer.epoch() < 0 ? null : sequencer.epoch())
        .put("reconnects", reconnects)
        .put("since", Times.format(since));
  }

  // ---- helpers ----

  /** Runs {@code action} on this verticle's context (the lease callbacks of a cluster run elsewhere). */
  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  /** The hub's address without user info or query (which could hold secrets). */
  private static String shown(URI url) {
    return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "")
        + (url.getRawPath() == null ? "" : url.getRawPath());
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + cap(Text.cleanName(m), 300));
  }

  private static String cap(String s, int max) {
    return s.length() > max ? s.substring(0, max) : s;
  }
}
