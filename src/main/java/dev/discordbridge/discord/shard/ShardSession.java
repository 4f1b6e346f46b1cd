package dev.discordbridge.discord.shard;

import dev.discordbridge.discord.rest.GatewayUrls;
import dev.discordbridge.link.Backoff;
import dev.discordbridge.link.ResumeAttempts;
import dev.discordbridge.link.UpstreamUrl;
import dev.discordbridge.ops.LogThrottle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Discord Gateway v10 connection for one shard, kept up until stopped: connects, Identifies
 * (through the {@link IdentifyGate}) or Resumes, reconnects with jittered backoff, falls back
 * from the resume URL to the gateway URL, starts a new session when Discord refuses the old one
 * (telling the listener: events may have been lost), and stops for good on the fatal close codes.
 * Each socket is a {@link ShardConnection} (Hello, heartbeats, opcodes), which sees the session
 * through {@link ShardConnection.Owner} only. The listener sees every
 * dispatch of a session once, in order, even across a replay.
 *
 * <p>All state lives on the context that created the session; public methods may be called from
 * anywhere and hop onto it; listener calls are made on it.
 */
public final class ShardSession {
  private static final Logger log = LoggerFactory.getLogger(ShardSession.class);

  /** What a shard reports; every call is made on the session's context. */
  public interface Listener {
    /** Every op 0 dispatch in order (READY and RESUMED included); a seq is never repeated within a session. */
    void onDispatch(int shardId, String type, JsonObject d, long seq, String sessionId);

    /** Events may have been lost (a session was lost, or a dispatch dropped): streams must refetch. */
    void onReset(int shardId, String reason);

    /** The session is gone for good (called before its {@link #onReset}): what it told is stale; a new one starts. */
    default void onSessionLost(int shardId) {}

    /** A dispatch's {@code s} was unusable ({@code unsafe}: dropped) or went back ({@code back}: followed). */
    default void onSeqAnomaly(int shardId, String kind) {}

    void onState(int shardId, ShardState state, String detail);
  }

  private final Vertx vertx;
  private final Context context;
  private final ShardOptions options;
  private final IdentifyGate gate;
  private final Listener listener;
  private final WebSocketClient client;
  private final Backoff backoff;
  private final ResumeAttempts attempts;
  private final LogThrottle seqLog = new LogThrottle(5);

  private volatile ShardState state = ShardState.STOPPED;
  private volatile ShardPosition published;
  private volatile String detail;
  private String sessionId;
  private Long lastSeq;
  private String resumeUrl;
  private boolean resumeViaBase;
  private boolean running;
  private int generation;
  private long reconnectTimer = -1;
  private ShardConnection connection;
  private Future<Void> closing = Future.succeededFuture();

  public ShardSession(Vertx vertx, ShardOptions options, IdentifyGate gate, Listener listener) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.options = options;
    this.gate = gate;
    this.listener = listener;
    this.backoff = new Backoff(options.backoffBaseMs(), options.backoffMaxMs(), options::nextRandom);
    this.attempts = new ResumeAttempts(options.maxFailedResumes());
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(options.maxMessageBytes())
        .setMaxMessageSize(options.maxMessageBytes())
        .setClosingTimeout(2)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, options.helloTimeoutMs())));
  }

  /** Starts the shard: Identify when {@code resumeFrom} is null, else Resume that session. */
  public void start(ShardPosition resumeFrom) {
    onContext(() -> {
      if (running) {
        return;
      }
      running = true;
      if (resumeFrom != null) {
        sessionId = resumeFrom.sessionId();
        lastSeq = resumeFrom.seq();
        resumeUrl = resumeFrom.resumeUrl();
        resumeViaBase = false;
        publish();
      }
      backoff.reset();
      connect();
    });
  }

  /**
   * Stops the shard. {@code keepSession}: close with {@link CloseCodes#RESUME_LATER} so this or
   * another node can resume from {@link #position()}; otherwise close with 1000 (Discord ends the
   * session) and forget it.
   */
  public void stop(boolean keepSession) {
    onContext(() -> stopNow(keepSession));
  }

  /** Stops (ending the session unless {@link #stop(boolean)} kept it) and frees the client. */
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    onContext(() -> {
      if (running) {
        stopNow(false);
      }
      closing.eventually(client::close).onComplete(done);
    });
    return done.future();
  }

  /** Where the current session can be resumed from; null before READY (or after a stop that ended it). */
  public ShardPosition position() {
    return published;
  }

  public ShardState state() {
    return state;
  }

  /** Why the shard is in its state (e.g. what the last connection attempt failed with), or null. */
  public String detail() {
    return detail;
  }

  public int shardId() {
    return options.shardId();
  }

  /**
   * Sends another payload (op 3 presence, op 4 voice state, op 8 request guild members) within the
   * connection's send limit; fails unless the shard is READY.
   */
  public Future<Void> send(int op, Object d) {
    if (op == 1 || op == 2 || op == 6) {
      return Future.failedFuture(new IllegalArgumentException("op " + op + " is sent by the session itself"));
    }
    Promise<Void> sent = Promise.promise();
    onContext(() -> {
      if (state != ShardState.READY || connection == null) {
        sent.fail(new IllegalStateException("shard " + shardId() + " is not ready (" + state + ")"));
      } else {
        connection.send(new JsonObject().put("op", op).put("d", d)).onComplete(sent);
      }
    });
    return sent.future();
  }

  // ---- connections ----

  private void connect() {
    reconnectTimer = -1;
    if (!running) {
      return;
    }
    boolean resume = sessionId != null;
    URI base = resume && !resumeViaBase ? URI.create(resumeUrl) : options.gatewayUrl();
    URI url = options.connectUrl(base);
    setState(ShardState.CONNECTING, GatewayUrls.shown(url));
    int attempt = ++generation;
    client.connect(UpstreamUrl.connectOptions(url, options.helloTimeoutMs())).onComplete(ar -> {
      if (attempt != generation || !running) {
        if (ar.succeeded()) {
          ar.result().close(CloseCodes.RESUME_LATER, "superseded");
        }
      } else if (ar.failed()) {
        connectFailed(resume, url, ar.cause());
      } else {
        attempts.begin(resume);
        connection = new ShardConnection(vertx, options, ar.result(), resume ? sessionId : null, owner);
        connection.open();
      }
    });
  }

  private void connectFailed(boolean resume, URI url, Throwable cause) {
    String why = cause instanceof UpgradeRejectedException r ? "HTTP " + r.getStatus() : Unreachable.describe(cause);
    if (resume && !resumeViaBase) {
      resumeViaBase = true;
      log.warn("shard {}: resume URL {} cannot be connected to ({}); resuming through the gateway URL",
          shardId(), GatewayUrls.shown(url), why);
      connect();
      return;
    }
    long delay = backoff.next();
    log.warn("shard {}: cannot connect to {} ({}); retrying in {} ms", shardId(), GatewayUrls.shown(url), why, delay);
    schedule(delay, "cannot connect to the gateway " + GatewayUrls.shown(url) + ": " + why);
  }

  /** {@code c} ended (closed by Discord, or by the bridge just after this call): decide what comes next. */
  private void ended(ShardConnection c, ConnectionEnd end, String why) {
    if (c != connection) {
      return;
    }
    connection = null;
    c.stop();
    if (!running) {
      return;
    }
    // A resume that neither RESUMED nor READY proved counts as failed.
    if (attempts.ended(end == ConnectionEnd.RECONNECT || end == ConnectionEnd.RECONNECT_NOW)) {
      resumeFailed();
    }
    switch (end) {
      case FATAL -> {
        running = false;
        log.error("shard {}: Discord closed the gateway for good: {}; not reconnecting", shardId(), why);
        setState(ShardState.FAILED, why);
      }
      case NEW_SESSION -> {
        forget(why);
        delayed(backoff.next(), why);
      }
      case IDENTIFY_LATER -> {
        forget(why);
        long min = options.invalidSessionMinMs();
        delayed(min + (long) (options.nextRandom() * (options.invalidSessionMaxMs() - min)), why);
      }
      case REFUSED -> {
        delayed(backoff.afterRefusal(), why);
      }
      case RECONNECT_NOW -> {
        log.info("shard {}: {}; reconnecting now", shardId(), why);
        connect();
      }
      case RECONNECT -> delayed(backoff.next(), why);
    }
  }

  private void delayed(long delay, String why) {
    log.warn("shard {}: {}; reconnecting in {} ms{}", shardId(), why, delay, sessionId == null ? "" : " to resume");
    schedule(delay, why);
  }

  private void schedule(long delay, String why) {
    setState(ShardState.BACKOFF, why);
    reconnectTimer = vertx.setTimer(Math.max(1, delay), id -> connect());
  }

  private void resumeFailed() {
    if (attempts.exhausted() && sessionId != null) {
      log.warn("shard {}: giving up session {} after {} failed resumes in a row", shardId(), sessionId, attempts.failed());
      forget(attempts.failed() + " resumes in a row failed");
    }
  }

  /** The session is gone: the next connection Identifies, on the gateway URL. */
  private void forget(String why) {
    String lost = sessionId;
    sessionId = null;
    lastSeq = null;
    resumeUrl = null;
    resumeViaBase = false;
    attempts.reset();
    publish();
    if (lost != null) {
      listener.onSessionLost(shardId());
      listener.onReset(shardId(), "gateway session " + lost + " lost (" + why + "): events may have been missed");
    }
  }

  private void stopNow(boolean keepSession) {
    running = false;
    generation++;
    vertx.cancelTimer(reconnectTimer);
    ShardConnection c = connection;
    connection = null;
    if (c != null) {
      c.stop();
      closing = c.close(keepSession ? CloseCodes.RESUME_LATER : CloseCodes.NORMAL, keepSession ? "stopping, session kept" : "stopping")
          .timeout(3, TimeUnit.SECONDS).recover(err -> Future.succeededFuture());
    }
    if (!keepSession) {
      sessionId = null;
      lastSeq = null;
      resumeUrl = null;
      publish();
    }
    setState(ShardState.STOPPED, keepSession ? "stopped, session kept for resume" : "stopped");
  }

  // ---- what a connection reports ----

  private final ShardConnection.Owner owner = new ShardConnection.Owner() {
    @Override
    public boolean isCurrent(ShardConnection c) {
      return c == connection;
    }

    @Override
    public Long lastSeq() {
      return lastSeq;
    }

    @Override
    public void state(ShardState next, String why) {
      setState(next, why);
    }

    @Override
    public Future<Void> identifyTurn() {
      Promise<Void> turn = Promise.promise();
      gate.acquire(shardId()).onComplete(ar -> context.runOnContext(v -> turn.handle(ar)));
      return turn.future();
    }

    @Override
    public Long dispatch(ShardConnection c, String type, JsonObject d, Object s, Long previousSeq) {
      return c == connection ? ShardSession.this.dispatch(type, d, s, previousSeq) : null;
    }

    @Override
    public void ended(ShardConnection c, ConnectionEnd end, String why) {
      ShardSession.this.ended(c, end, why);
    }
  };

  /**
   * One op 0 from the current connection: READY and RESUMED change the state; a repeat is skipped;
   * an {@code s} that cannot be a position ({@link DispatchSeq}) never becomes one.
   *
   * @param previous the seq of the connection's last delivered dispatch, or null
   * @return the seq to remember as the connection's last delivered dispatch, or null
   */
  private Long dispatch(String type, JsonObject d, Object s, Long previous) {
    boolean ready = "READY".equals(type);
    boolean newSession = ready && (sessionId == null || !sessionId.equals(d.getString("session_id")));
    DispatchSeq.Verdict verdict = DispatchSeq.judge(s, newSession ? null : lastSeq, previous);
    Long seq = DispatchSeq.safe(s);
    switch (verdict) {
      case UNSAFE -> {
        listener.onSeqAnomaly(shardId(), "unsafe");
        seqLog(type, "s " + clip(String.valueOf(s)) + " is not a safe integer: dispatch dropped, position stays at " + lastSeq);
        if (sessionId != null) {
          listener.onReset(shardId(), "a " + type + " dispatch with an unusable seq was dropped: events may have been missed");
        }
        return null;
      }
      case REPEAT -> {
        log.debug("shard {}: dispatch {} seq {} already delivered (last {}), skipped", shardId(), type, seq, lastSeq);
        return null;
      }
      case BACK -> {
        listener.onSeqAnomaly(shardId(), "back");
        seqLog(type, "seq went back from " + previous + " to " + seq
            + ": delivered; resuming from " + seq + " from now on");
      }
      default -> { }
    }
    if (ready) {
      ready(d, seq);
    } else if (sessionId == null) {
      log.warn("shard {}: dispatch {} before READY ignored", shardId(), type);
      return null;
    } else if (seq != null) {
      lastSeq = seq;
      publish();
    }
    if ("RESUMED".equals(type)) {
      attempts.proven();
      backoff.reset();
      log.info("shard {}: session {} resumed at seq {}", shardId(), sessionId, lastSeq);
      setState(ShardState.READY, "resumed session " + sessionId);
    }
    listener.onDispatch(shardId(), type, d, seq == null ? -1 : seq, sessionId);
    return seq;
  }

  private void seqLog(String type, String what) {
    long suppressed = seqLog.acquire(System.currentTimeMillis());
    if (suppressed >= 0) {
      log.warn("shard {}: {} {}{}", shardId(), type, what, suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : "");
    }
  }

  private static String clip(String v) {
    return v.length() > 40 ? v.substring(0, 40) + "..." : v;
  }

  private void ready(JsonObject d, Long seq) {
    sessionId = d.getString("session_id");
    String url = d.getString("resume_gateway_url");
    resumeUrl = GatewayUrls.validResumeUrl(url) ? url : options.gatewayUrl().toString();
    lastSeq = seq == null ? 0 : seq;
    resumeViaBase = false;
    attempts.proven();
    backoff.reset();
    publish();
    log.info("shard {}/{}: session {} ready", shardId(), options.shardCount(), sessionId);
    setState(ShardState.READY, "session " + sessionId);
  }

  private void setState(ShardState next, String why) {
    if (next == state && java.util.Objects.equals(why, detail)) {
      return;
    }
    state = next;
    detail = why;
    listener.onState(shardId(), next, why);
  }

  private void publish() {
    published = sessionId == null || resumeUrl == null ? null
        : new ShardPosition(sessionId, lastSeq == null ? 0 : lastSeq, resumeUrl);
  }

  private void onContext(Runnable r) {
    if (Vertx.currentContext() == context) {
      r.run();
    } else {
      context.runOnContext(v -> r.run());
    }
  }
}
