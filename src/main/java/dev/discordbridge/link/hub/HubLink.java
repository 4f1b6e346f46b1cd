package dev.discordbridge.link.hub;

import dev.discordbridge.bus.UpstreamAck;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.LinkFrame;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.Text;
import dev.discordbridge.link.Backoff;
import dev.discordbridge.link.EventIdWindow;
import dev.discordbridge.link.LinkMetrics;
import dev.discordbridge.link.LinkState;
import dev.discordbridge.link.SessionPosition;
import dev.discordbridge.link.Upstream;
import dev.discordbridge.link.UpstreamUrl;
import dev.discordbridge.ops.LogThrottle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub link (CONTRACT section 1, the bridge's side) as an {@link Upstream}: its state,
 * connection attempts with backoff, and pending acks. Each socket is one {@link HubSession}
 * (handshake, heartbeats, zombie detection, frames), which sees the link through
 * {@link HubSession.Owner}; the session across sockets (resume position, failed resumes, events
 * accepted) is the {@link HubInbound}.
 */
public final class HubLink implements Upstream {
  private static final Logger log = LoggerFactory.getLogger(HubLink.class);

  private final Vertx vertx;
  private final BridgeConfig.Link settings;
  private final LinkMetrics metrics;
  private final Listener listener;
  private final HubInbound inbound;
  private final PendingAcks pending;
  private final Backoff backoff;
  private final WebSocketClient client;

  private LinkState state = LinkState.STANDBY;
  private boolean running;
  private boolean attempted;
  private int generation;
  private int reconnects;
  private long reconnectTimer = -1;
  private HubSession session;

  public HubLink(Vertx vertx, BridgeConfig config, LinkMetrics metrics, EventIdWindow seen, Listener listener) {
    this.vertx = vertx;
    this.settings = config.link();
    this.metrics = metrics;
    this.listener = listener;
    this.backoff = new Backoff(settings.backoffBaseMs(), settings.backoffMaxMs());
    LogThrottle noteLog = new LogThrottle(5);
    this.inbound = new HubInbound(metrics, seen, listener, settings::forwardsUnknown, settings.maxFailedResumes(), noteLog);
    this.pending = new PendingAcks(vertx, config.command().attemptTimeoutMs(), noteLog);
    // Above LINK_MAX_FRAME_BYTES Vert.x drops a (fragmented) message and reports it, but Netty
    // closes the socket (1009) on one frame that large: the failed-resume limit breaks that loop.
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(settings.maxFrameBytes())
        .setMaxMessageSize(settings.maxFrameBytes())
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.helloTimeoutMs())));
  }

  @Override
  public void start(SessionPosition resumeFrom) {
    if (running) {
      return;
    }
    running = true;
    if (resumeFrom != null) {
      inbound.resumeAt(resumeFrom);
    }
    backoff.reset();
    connect();
  }

  @Override
  public void stop() {
    if (!running) {
      return;
    }
    running = false;
    generation++;
    vertx.cancelTimer(reconnectTimer);
    HubSession s = session;
    sessionLost(s, null);
    if (s != null) {
      s.close(1000, "standing down");
    }
    state = LinkState.STANDBY;
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  @Override
  public Future<UpstreamAck> send(GatewayCommand command) {
    HubSession s = session;
    if (state != LinkState.CONNECTED || s == null) {
      return Future.failedFuture(PendingAcks.linkDown());
    }
    String id = command.id();
    String traceId = Ids.isTraceId(command.traceId()) ? command.traceId() : "-";
    PendingAcks.Ticket ticket = pending.register(id, traceId);
    s.write(command).onFailure(err -> pending.writeFailed(id, ticket, describe(err)));
    return ticket.ack();
  }

  @Override
  public Status status() {
    return new Status(state, inbound.snapshot(), reconnects, pending.size(), null);
  }

  // ---- connection life cycle ----

  private void connect() {
    reconnectTimer = -1;
    if (!running) {
      return;
    }
    if (attempted) {
      reconnects++;
      metrics.reconnect();
    }
    attempted = true;
    setState(LinkState.CONNECTING);
    URI url = settings.gatewayUrl();
    var options = UpstreamUrl.connectOptions(url, settings.helloTimeoutMs())
        .addHeader(HttpHeaders.AUTHORIZATION.toString(), "Bearer " + settings.linkToken());
    int attempt = ++generation;
    client.connect(options).onComplete(ar -> {
      if (attempt != generation) {
        if (ar.succeeded()) {
          ar.result().close();
        }
      } else if (ar.failed()) {
        onConnectFailed(ar.cause());
      } else {
        session = new HubSession(vertx, settings, ar.result(), inbound, owner);
        session.open();
      }
    });
  }

  /** The one log line of a failed connection attempt (Vert.x's own "Connection evicted" is silenced in logback.xml). */
  private void onConnectFailed(Throwable cause) {
    if (cause instanceof UpgradeRejectedException r && (r.getStatus() == 401 || r.getStatus() == 403)) {
      long delay = scheduleReconnect(true);
      log.error("link token rejected by the hub at {} (HTTP {}): check LINK_TOKEN; {}",
          shown(settings.gatewayUrl()), r.getStatus(), retrying(delay));
    } else {
      String reason = cause instanceof UpgradeRejectedException r ? "the hub answered HTTP " + r.getStatus() : describe(cause);
      long delay = scheduleReconnect(false);
      log.warn("upstream link to {} failed to connect: {}; {}", shown(settings.gatewayUrl()), reason, retrying(delay));
    }
  }

  // ---- what a socket reports ----

  private final HubSession.Owner owner = new HubSession.Owner() {
    @Override
    public boolean isCurrent(HubSession s) {
      return s == session;
    }

    @Override
    public LinkState state() {
      return state;
    }

    @Override
    public void state(LinkState next) {
      setState(next);
    }

    @Override
    public long lost(HubSession s, String why) {
      return sessionLost(s, why);
    }

    @Override
    public void stable() {
      backoff.reset();
      inbound.stable();
    }

    @Override
    public void acked(LinkFrame.Ack ack) {
      pending.settle(ack);
    }
  };

  /**
   * The socket of {@code s} is gone (or being closed): stop its timers, fail the commands waiting
   * on it, count a resume it did not complete, and reconnect unless {@code why} is null (standing down).
   *
   * @return the delay before the reconnect, or -1 when none is scheduled
   */
  private long sessionLost(HubSession s, String why) {
    if (s != null && s != session) {
      return -1;
    }
    session = null;
    if (s != null) {
      s.stop();
    }
    pending.failAll();
    inbound.socketLost(s != null && why != null);
    if (why != null && running) {
      return scheduleReconnect("auth".equals(why));
    }
    return -1;
  }

  /** @return the delay before the next attempt */
  private long scheduleReconnect(boolean authFailure) {
    // A rejected token will not fix itself in milliseconds: wait as if many tries had failed.
    long delay = authFailure ? backoff.afterRefusal() : backoff.next();
    setState(LinkState.BACKOFF);
    delay = Math.max(1, delay);
    reconnectTimer = vertx.setTimer(delay, id -> connect());
    return delay;
  }

  private void setState(LinkState next) {
    if (next != state) {
      state = next;
      listener.onState(next);
    }
  }

  static String retrying(long delay) {
    return delay < 0 ? "not reconnecting" : "reconnecting in " + delay + " ms";
  }

  /** The hub's address without user info or query (which could hold secrets). */
  public static String shown(URI url) {
    return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "")
        + (url.getRawPath() == null ? "" : url.getRawPath());
  }

  static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + cap(Text.cleanName(m), 300));
  }

  static String cap(String s, int max) {
    return s.length() > max ? s.substring(0, max) : s;
  }
}
