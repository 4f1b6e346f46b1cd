package dev.discordbridge.link.hub;

import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.ContractViolation;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.LinkFrame;
import dev.discordbridge.contract.LinkFrames;
import dev.discordbridge.contract.Text;
import dev.discordbridge.link.Heartbeat;
import dev.discordbridge.link.InboundFrame;
import dev.discordbridge.link.LinkState;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.WebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket of the hub link: the handshake (hello, or a resume and its end), heartbeats and
 * zombie detection ({@link Heartbeat}), and every frame the hub sends on it, read once into a
 * {@link LinkFrame}. What outlives the socket (the session, its position, the events accepted)
 * is the {@link HubInbound}; what the socket means to the link (its state, its loss) goes
 * through {@link Owner}. A session that is no longer its link's current one ignores everything.
 */
final class HubSession {
  private static final Logger log = LoggerFactory.getLogger(HubSession.class);
  private static final long MIN_HEARTBEAT_MS = 50;
  private static final long MAX_HEARTBEAT_MS = 600_000;

  /** The link that holds the socket, as the socket sees it (implemented by {@link HubLink}). */
  interface Owner {
    boolean isCurrent(HubSession s);

    LinkState state();

    void state(LinkState next);

    /**
     * The socket of {@code s} is gone (or being closed) for {@code why}.
     *
     * @return the delay before the reconnect, or -1 when none is scheduled
     */
    long lost(HubSession s, String why);

    /** Connected long enough: the next failure starts the backoff from the beginning. */
    void stable();

    /** The hub acknowledged a command. */
    void acked(LinkFrame.Ack ack);
  }

  private final Vertx vertx;
  private final BridgeConfig.Link settings;
  private final WebSocket ws;
  private final HubInbound inbound;
  private final Owner owner;
  private final Heartbeat heartbeat;
  /** Why the socket is closing, when the bridge knows better than the close code (1006 after a 1009). */
  private String closeCause;
  private long handshakeTimer = -1;
  private long stableTimer = -1;

  HubSession(Vertx vertx, BridgeConfig.Link settings, WebSocket ws, HubInbound inbound, Owner owner) {
    this.vertx = vertx;
    this.settings = settings;
    this.ws = ws;
    this.inbound = inbound;
    this.owner = owner;
    this.heartbeat = new Heartbeat(Heartbeat.Timers.of(vertx),
        () -> ws.writeTextMessage(LinkFrames.heartbeat(inbound.lastSeq()).encode()),
        ms -> abandon("no heartbeatAck within " + ms + " ms (zombie link)"));
  }

  void open() {
    owner.state(LinkState.HANDSHAKING);
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> {
      if (current()) {
        inbound.received("other");
        inbound.drop("binary_frame", "binary frames are not part of the link protocol", null);
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

  /** Stops this session's timers. */
  void stop() {
    heartbeat.stop();
    vertx.cancelTimer(handshakeTimer);
    vertx.cancelTimer(stableTimer);
  }

  private boolean current() {
    return owner.isCurrent(this);
  }

  private void onError(Throwable err) {
    if (!current() || err instanceof HttpClosedException) {
      return; // the close handler logs the close, once
    }
    if (tooLarge(err)) {
      if (err instanceof CorruptedWebSocketFrameException) {
        closeCause = "a frame above LINK_MAX_FRAME_BYTES (" + settings.maxFrameBytes() + ")";
      }
      inbound.drop("too_large", HubLink.describe(err) + " (LINK_MAX_FRAME_BYTES=" + settings.maxFrameBytes() + ")", null);
    } else if (inbound.mayNote()) {
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
      long delay = owner.lost(this, "auth");
      log.error("link token rejected by the hub at {} (close {}): check LINK_TOKEN; {}",
          HubLink.shown(settings.gatewayUrl()), code, HubLink.retrying(delay));
    } else {
      LinkState was = owner.state();
      long delay = owner.lost(this, "closed");
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
    long delay = owner.lost(this, why);
    log.warn("abandoning the upstream link ({}); {}", why, HubLink.retrying(delay));
    ws.close((short) 4000, why);
  }

  /** The hub must send {@code what} (hello, or the end of a resume) within the hello timeout. */
  private void awaitHandshake(String what) {
    long timeout = settings.helloTimeoutMs();
    vertx.cancelTimer(handshakeTimer);
    handshakeTimer = vertx.setTimer(timeout, id -> abandon("no " + what + " within " + timeout + " ms"));
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
      inbound.received("other");
      inbound.drop(v.reason(), v.getMessage(), null);
      return;
    }
    inbound.received(frame.type());
    if (frame instanceof LinkFrame.Event event) {
      onEvent(event, receivedAt);
    } else if (frame instanceof LinkFrame.Ack ack) {
      owner.acked(ack);
    } else if (frame instanceof LinkFrame.HeartbeatAck) {
      heartbeat.acked();
    } else if (frame instanceof LinkFrame.Hello hello) {
      onHello(hello);
    } else if (frame instanceof LinkFrame.Resumed) {
      onResumed();
    } else {
      onInvalidSession();
    }
  }

  private void onHello(LinkFrame.Hello hello) {
    if (owner.state() != LinkState.HANDSHAKING) {
      inbound.drop("unexpected_frame", "hello in state " + owner.state().wire(), null);
      return;
    }
    vertx.cancelTimer(handshakeTimer);
    long heartbeatMs = Math.max(MIN_HEARTBEAT_MS, Math.min(MAX_HEARTBEAT_MS, hello.heartbeatIntervalMs()));
    heartbeat.start(heartbeatMs, heartbeatMs);
    String sessionId = inbound.sessionId();
    if (sessionId != null && hello.resumable()) {
      owner.state(LinkState.RESUMING);
      inbound.resuming();
      ws.writeTextMessage(LinkFrames.resume(sessionId, inbound.lastSeq()).encode());
      awaitHandshake("resumed");
      return;
    }
    log.info("upstream session {} started (heartbeat every {} ms)", hello.sessionId(), heartbeatMs);
    inbound.fresh(hello.sessionId());
    connected();
  }

  private void connected() {
    owner.state(LinkState.CONNECTED);
    vertx.cancelTimer(stableTimer);
    long stableAfter = Math.max(500, Math.min(30_000, 2 * heartbeat.intervalMs()));
    stableTimer = vertx.setTimer(stableAfter, id -> {
      if (current() && owner.state() == LinkState.CONNECTED) {
        owner.stable();
      }
    });
  }

  private void onResumed() {
    if (owner.state() != LinkState.RESUMING) {
      inbound.drop("unexpected_frame", "resumed in state " + owner.state().wire(), null);
      return;
    }
    vertx.cancelTimer(handshakeTimer);
    log.info("upstream session {} resumed after seq {}", inbound.sessionId(), inbound.lastSeq());
    connected();
  }

  private void onInvalidSession() {
    if (owner.state() == LinkState.HANDSHAKING && inbound.sessionId() == null) {
      inbound.drop("unexpected_frame", "invalidSession before any session", null);
      return;
    }
    heartbeat.stop();
    vertx.cancelTimer(stableTimer);
    inbound.invalidated();
    owner.state(LinkState.HANDSHAKING);
    awaitHandshake("hello");
  }

  /** One event frame: accepted only while connected or resuming, with a seq ({@link HubInbound#event}). */
  private void onEvent(LinkFrame.Event frame, long receivedAt) {
    LinkState state = owner.state();
    if (state != LinkState.CONNECTED && state != LinkState.RESUMING) {
      inbound.drop("unexpected_frame", "event in state " + state.wire(), HubInbound.traceOf(frame.event()));
      return;
    }
    if (frame.seq() == null) {
      inbound.drop("bad_frame", "event.seq is required on the link", HubInbound.traceOf(frame.event()));
      return;
    }
    if (state == LinkState.RESUMING) {
      awaitHandshake("resumed"); // a long replay keeps the resume alive
    }
    inbound.event(frame, frame.seq(), receivedAt);
  }
}
