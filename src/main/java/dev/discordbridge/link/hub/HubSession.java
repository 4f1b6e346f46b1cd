package dev.discordbridge.link.hub;

import dev.discordbridge.contract.ContractViolation;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.GatewayEvent;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.LinkFrame;
import dev.discordbridge.contract.LinkFrames;
import dev.discordbridge.contract.Text;
import dev.discordbridge.link.InboundFrame;
import dev.discordbridge.link.LinkMetrics;
import dev.discordbridge.link.LinkState;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket of the hub link: the handshake (hello, or a resume and its end), heartbeats and
 * zombie detection, and every frame the hub sends on it, read once into a {@link LinkFrame}.
 * A session that is no longer its link's current one ignores everything.
 */
final class HubSession {
  private static final Logger log = LoggerFactory.getLogger(HubSession.class);
  private static final long MIN_HEARTBEAT_MS = 50;
  private static final long MAX_HEARTBEAT_MS = 600_000;

  private final HubLink link;
  private final WebSocket ws;
  private long heartbeatMs;
  private boolean awaitingAck;
  /** A resume was sent on this socket and nothing has proven it yet (an accepted event, a stable link). */
  private boolean resumeUnproven;
  /** Why the socket is closing, when the bridge knows better than the close code (1006 after a 1009). */
  private String closeCause;
  private long heartbeatTimer = -1;
  private long handshakeTimer = -1;
  private long stableTimer = -1;

  HubSession(HubLink link, WebSocket ws) {
    this.link = link;
    this.ws = ws;
  }

  void open() {
    link.setState(LinkState.HANDSHAKING);
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> {
      if (current()) {
        link.metrics.received("other");
        link.drop("binary_frame", "binary frames are not part of the link protocol", null);
      }
    });
    ws.exceptionHandler(this::onError);
    ws.closeHandler(v -> onClosed());
    awaitHandshake("hello");
  }

  Future<Void> write(GatewayCommand command) {
    return ws.writeTextMessage(LinkFrames.command(command).encode());
  }

  void close(int code, String reason) {
    ws.close((short) code, reason);
  }

  /** Stops this session's timers; true when it had sent a resume that nothing proved. */
  boolean stop() {
    link.vertx.cancelTimer(heartbeatTimer);
    link.vertx.cancelTimer(handshakeTimer);
    link.vertx.cancelTimer(stableTimer);
    awaitingAck = false;
    boolean unproven = resumeUnproven;
    resumeUnproven = false;
    return unproven;
  }

  private boolean current() {
    return link.isCurrent(this);
  }

  private void onError(Throwable err) {
    if (!current() || err instanceof HttpClosedException) {
      return; // the close handler logs the close, once
    }
    if (tooLarge(err)) {
      if (err instanceof CorruptedWebSocketFrameException) {
        closeCause = "a frame above LINK_MAX_FRAME_BYTES (" + link.settings.maxFrameBytes() + ")";
      }
      link.drop("too_large", HubLink.describe(err) + " (LINK_MAX_FRAME_BYTES=" + link.settings.maxFrameBytes() + ")", null);
    } else if (link.mayNote()) {
      log.warn("upstream link error: {}", HubLink.describe(err));
    }
  }

  /** True for an inbound message above the link's limit (Vert.x drops it; Netty closes the socket with 1009). */
  private static boolean tooLarge(Throwable err) {
    if (err instanceof CorruptedWebSocketFrameException c) {
      return c.closeStatus() != null && c.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code();
    }
    return err instanceof IllegalStateException && err.getMessage() != null && err.getMessage().contains("max message size");
  }

  private void onClosed() {
    if (!current()) {
      return;
    }
    Short code = ws.closeStatusCode();
    if (code != null && code == LinkFrames.CLOSE_AUTH_FAILED) {
      long delay = link.sessionLost(this, "auth");
      log.error("link token rejected by the hub at {} (close {}): check LINK_TOKEN; {}",
          HubLink.shown(link.settings.gatewayUrl()), code, HubLink.retrying(delay));
    } else {
      LinkState was = link.state();
      long delay = link.sessionLost(this, "closed");
      log.warn("upstream link closed (code {}, reason \"{}\"{}) in state {}; {}", code,
          ws.closeReason() == null ? "" : HubLink.cap(Text.cleanName(ws.closeReason()), 200),
          closeCause == null ? "" : ", after " + closeCause, was.wire(), HubLink.retrying(delay));
    }
  }

  /** Closes the socket on our side (hello timeout, zombie) and reconnects. */
  private void abandon(String why) {
    if (!current()) {
      return;
    }
    long delay = link.sessionLost(this, why);
    log.warn("abandoning the upstream link ({}); {}", why, HubLink.retrying(delay));
    ws.close((short) 4000, why);
  }

  /** The hub must send {@code what} (hello, or the end of a resume) within the hello timeout. */
  private void awaitHandshake(String what) {
    long timeout = link.settings.helloTimeoutMs();
    link.vertx.cancelTimer(handshakeTimer);
    handshakeTimer = link.vertx.setTimer(timeout, id -> abandon("no " + what + " within " + timeout + " ms"));
  }

  private void startHeartbeats() {
    link.vertx.cancelTimer(heartbeatTimer);
    awaitingAck = false;
    heartbeatTimer = link.vertx.setPeriodic(heartbeatMs, id -> {
      if (!current()) {
        link.vertx.cancelTimer(id);
      } else if (awaitingAck) {
        abandon("no heartbeatAck within " + heartbeatMs + " ms (zombie link)");
      } else {
        awaitingAck = true;
        ws.writeTextMessage(LinkFrames.heartbeat(link.position.lastSeq()).encode());
      }
    });
  }

  // ---- frames from the hub ----

  private void onText(String text) {
    if (!current()) {
      return;
    }
    long receivedAt = System.currentTimeMillis();
    LinkFrame frame;
    try {
      frame = InboundFrame.parse(text);
    } catch (ContractViolation v) {
      link.metrics.received("other");
      link.drop(v.reason(), v.getMessage(), null);
      return;
    }
    link.metrics.received(frame.type());
    if (frame instanceof LinkFrame.Event event) {
      onEvent(event, receivedAt);
    } else if (frame instanceof LinkFrame.Ack ack) {
      link.pending.settle(ack);
    } else if (frame instanceof LinkFrame.HeartbeatAck) {
      awaitingAck = false;
    } else if (frame instanceof LinkFrame.Hello hello) {
      onHello(hello);
    } else if (frame instanceof LinkFrame.Resumed) {
      onResumed();
    } else {
      onInvalidSession();
    }
  }

  private void onHello(LinkFrame.Hello hello) {
    if (link.state() != LinkState.HANDSHAKING) {
      link.drop("unexpected_frame", "hello in state " + link.state().wire(), null);
      return;
    }
    link.vertx.cancelTimer(handshakeTimer);
    heartbeatMs = Math.max(MIN_HEARTBEAT_MS, Math.min(MAX_HEARTBEAT_MS, hello.heartbeatIntervalMs()));
    startHeartbeats();
    String sessionId = link.position.sessionId();
    if (sessionId != null && hello.resumable()) {
      link.setState(LinkState.RESUMING);
      resumeUnproven = true;
      link.position.resuming();
      ws.writeTextMessage(LinkFrames.resume(sessionId, link.position.lastSeq()).encode());
      awaitHandshake("resumed");
      return;
    }
    if (sessionId != null) {
      link.listener.onReset("upstream session " + sessionId + " is not resumable");
    }
    log.info("upstream session {} started (heartbeat every {} ms)", hello.sessionId(), heartbeatMs);
    link.position.startFresh(hello.sessionId());
    resumeUnproven = false;
    connected();
  }

  private void connected() {
    link.setState(LinkState.CONNECTED);
    link.vertx.cancelTimer(stableTimer);
    long stableAfter = Math.max(500, Math.min(30_000, 2 * heartbeatMs));
    stableTimer = link.vertx.setTimer(stableAfter, id -> {
      if (current() && link.state() == LinkState.CONNECTED) {
        resumeUnproven = false;
        link.stable();
      }
    });
  }

  private void onResumed() {
    if (link.state() != LinkState.RESUMING) {
      link.drop("unexpected_frame", "resumed in state " + link.state().wire(), null);
      return;
    }
    link.vertx.cancelTimer(handshakeTimer);
    log.info("upstream session {} resumed after seq {}", link.position.sessionId(), link.position.lastSeq());
    connected();
  }

  private void onInvalidSession() {
    if (link.state() == LinkState.HANDSHAKING && link.position.sessionId() == null) {
      link.drop("unexpected_frame", "invalidSession before any session", null);
      return;
    }
    String lost = link.position.sessionId();
    link.vertx.cancelTimer(heartbeatTimer);
    link.vertx.cancelTimer(stableTimer);
    awaitingAck = false;
    link.position.forget();
    resumeUnproven = false; // the hub answered the resume: not a resume that failed to read
    if (lost != null) {
      link.listener.onReset("upstream session " + lost + " could not be resumed");
    }
    link.setState(LinkState.HANDSHAKING);
    awaitHandshake("hello");
  }

  /**
   * One event frame. Only a validated event moves the resume position, and the event-id window,
   * not the seq, decides what was already delivered. Against the seq of the previous event frame
   * (valid or not):
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
  private void onEvent(LinkFrame.Event frame, long receivedAt) {
    Object raw = frame.event();
    LinkState state = link.state();
    if (state != LinkState.CONNECTED && state != LinkState.RESUMING) {
      link.drop("unexpected_frame", "event in state " + state.wire(), traceOf(raw));
      return;
    }
    if (frame.seq() == null) {
      link.drop("bad_frame", "event.seq is required on the link", traceOf(raw));
      return;
    }
    long seq = frame.seq();
    if (state == LinkState.RESUMING) {
      awaitHandshake("resumed"); // a long replay keeps the resume alive
    }
    Long previous = link.position.frameSeen(seq);
    if (previous != null && seq > previous + 1) {
      link.seqAnomaly(LinkMetrics.SeqAnomaly.GAP, receivedAt, "upstream seq jumped from {} to {}: the hub skipped {} event(s); streams reset",
          previous, seq, seq - previous - 1);
      link.listener.onReset("upstream seq jumped from " + previous + " to " + seq + ": events may have been lost");
    }
    GatewayEvent event;
    try {
      event = GatewayEvent.fromJson(raw, link.settings::forwardsUnknown);
    } catch (ContractViolation v) {
      link.drop(v.reason(), v.getMessage() + " (seq " + seq + ")", traceOf(raw));
      return;
    }
    deliver(event, seq, previous, receivedAt);
  }

  private void deliver(GatewayEvent event, long seq, Long previous, long receivedAt) {
    boolean fresh = link.seen.firstSeen(event.id());
    Long lastSeq = link.position.lastSeq();
    if (!fresh && lastSeq != null && seq <= lastSeq) {
      link.metrics.dropped("replayed");
      log.debug("event seq {} already received (last {}), dropped", seq, lastSeq);
      return;
    }
    if (fresh && previous != null && seq <= previous) {
      link.seqAnomaly(LinkMetrics.SeqAnomaly.REGRESS, receivedAt,
          "upstream seq went back from {} to {} with a new event {}: delivered; resuming from {} from now on",
          previous, seq, event.id(), seq);
    }
    link.position.accepted(seq);
    resumeUnproven = false;
    if (fresh) {
      link.listener.onEvent(event, seq, receivedAt);
    } else {
      link.metrics.dropped("duplicate");
    }
  }

  static String traceOf(Object event) {
    if (event instanceof JsonObject e && e.getValue("trace") instanceof JsonObject t && Ids.isTraceId(t.getValue("traceId"))) {
      return t.getString("traceId");
    }
    return null;
  }
}
