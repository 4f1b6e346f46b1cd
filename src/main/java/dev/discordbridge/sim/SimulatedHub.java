package dev.discordbridge.sim;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.DemoDropout;
import dev.discordbridge.bus.DemoRoster;
import dev.discordbridge.contract.ContractViolation;
import dev.discordbridge.contract.EventName;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.LinkFrames;
import dev.discordbridge.contract.Times;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real WebSocket hub on 127.0.0.1 (random port) that speaks the link contract (CONTRACT
 * section 1). In demo mode it generates believable traffic; in tests it is driven through the
 * control methods below (all thread-safe, callable from a test thread).
 *
 * <p>Sessions: every connection is offered a fresh session in its {@code hello}. A bridge that
 * answers with {@code resume} of a known session gets every later event replayed, then
 * {@code resumed}; otherwise the fresh session becomes the one events go to as soon as the
 * bridge sends anything else (or at once, when no session existed). Events emitted while no
 * bridge is connected are kept for the resume.
 */
public class SimulatedHub extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SimulatedHub.class);

  public static final String PATH = "/gateway";
  public static final long DEFAULT_HEARTBEAT_MS = 5_000;
  /** Events kept per session for resumes. */
  public static final int HISTORY = 10_000;
  private static final int SESSIONS_KEPT = 32;

  private final byte[] expectedAuth;
  private final double eventsPerSecond;
  private final Roster roster = Roster.DEMO;
  private volatile long heartbeatIntervalMs;
  private volatile int port;

  // Confined to the hub's context.
  private Context context;
  private HttpServer server;
  private HubSessionState active;
  private final Map<String, HubSessionState> sessions = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, HubSessionState> eldest) {
      return size() > SESSIONS_KEPT;
    }
  };
  private final List<HubConnection> connections = new ArrayList<>();
  private final HubCommands commands = new HubCommands(roster);
  private DemoTraffic traffic;
  private double trafficCarry;
  private DemoDropouts dropouts;
  /** The demo cluster's shared session log, or null: sessions live in this hub only. */
  private SharedHubLog shared;
  private Future<Void> logged = Future.succeededFuture();

  /** @param eventsPerSecond demo traffic rate; 0 = no generated traffic (tests drive it) */
  public SimulatedHub(String linkToken, double eventsPerSecond) {
    this(linkToken, eventsPerSecond, DEFAULT_HEARTBEAT_MS);
  }

  public SimulatedHub(String linkToken, double eventsPerSecond, long heartbeatIntervalMs) {
    this.expectedAuth = sha256("Bearer " + linkToken);
    this.eventsPerSecond = eventsPerSecond;
    this.heartbeatIntervalMs = heartbeatIntervalMs;
  }

  public int port() { return port; }

  /** Demo cluster: sessions are logged cluster-wide and any node's hub can take one over (call before deploying). */
  public SimulatedHub shareSessions(SharedHubLog log) {
    shared = log;
    return this;
  }

  /** Whether generated traffic may go to the active session: with a shared log, only while its bridge is connected here. */
  private boolean generating() {
    return active != null && (shared == null || active.socket != null);
  }

  /** The heartbeat interval announced in later {@code hello} frames. */
  public SimulatedHub heartbeatIntervalMs(long ms) {
    heartbeatIntervalMs = ms;
    return this;
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    dropouts = new DemoDropouts(vertx, roster, e -> {
      if (!generating()) {
        return false;
      }
      append(active, e);
      return true;
    });
    if (eventsPerSecond > 0) {
      traffic = new DemoTraffic(roster, new Random());
      long period = Math.max(20, (long) (1000 / eventsPerSecond));
      vertx.setPeriodic(period, id -> generate(eventsPerSecond * period / 1000.0));
    }
    var rosterConsumer = vertx.eventBus().consumer(Addresses.DEMO_ROSTER, m -> m.reply(new DemoRoster(roster())));
    var dropoutConsumer = vertx.eventBus().<DemoDropout>consumer(Addresses.DEMO_DROPOUT,
        m -> m.reply(dropouts.drop(m.body().userId(), active != null)));
    server = vertx.createHttpServer()
        .webSocketHandshakeHandler(this::handshake)
        .webSocketHandler(this::onConnection)
        .requestHandler(req -> req.response().setStatusCode(PATH.equals(req.path()) ? 426 : 404).end());
    return Future.all(rosterConsumer.completion(), dropoutConsumer.completion(), server.listen(0, "127.0.0.1").onSuccess(s -> port = s.actualPort()));
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  // ---- control methods (thread-safe) ----

  /** Sends {@code event} (contract shape) as the next {@code event} frame of the current session; returns its seq. */
  public Future<Long> emit(JsonObject event) {
    return onContext(() -> {
      if (active == null) {
        throw new IllegalStateException("no session yet: no bridge has connected");
      }
      return append(active, event);
    });
  }

  /** Closes the bridge's socket abruptly; the session stays resumable. */
  public Future<Void> dropLink() {
    return onContext(() -> new ArrayList<>(connections)).compose(open -> {
      List<Future<Void>> closes = new ArrayList<>();
      for (HubConnection c : open) {
        closes.add(c.socket.close((short) 1012, "dropped by the simulated hub"));
      }
      return Future.all(closes).mapEmpty();
    });
  }

  // ---- extension points: the defaults are the demo hub; the tests' hub overrides them to inject faults ----

  /** An upgrade request to {@link #PATH}: an HTTP status to refuse it with, or 0 to go on. */
  protected int refusal() {
    return 0;
  }

  /** Whether an upgrade with a bad link token is accepted and then closed with 4004 (else refused with 401). */
  protected boolean closesBadTokens() {
    return false;
  }

  /** Sessions created before a later generation cannot be resumed. */
  protected long sessionGeneration() {
    return 0;
  }

  /** Whether a {@code heartbeat} is acked. */
  protected boolean acksHeartbeats() {
    return true;
  }

  /**
   * A custom answer to {@code command} frames (the command → the {@code ack} frame, or null for
   * none), or null for the demo world's (ok, echoing messages, reactions and typing as events).
   */
  protected Function<JsonObject, JsonObject> commandAnswer() {
    return null;
  }

  /** Observers: an upgrade request, a socket opened or closed, a frame from the bridge (null when unparsable). */
  protected void upgradeSeen() {}

  protected void socketOpened() {}

  protected void socketClosed() {}

  protected void frameReceived(JsonObject frame, String text) {}

  /** The socket events go to now (the active session's, else the newest), on the hub's context. */
  protected final Future<ServerWebSocket> currentSocket() {
    return onContext(this::current);
  }

  /** The demo roster: guilds, channels, users (the {@code bridge.demo.roster} reply). */
  public JsonObject roster() {
    return roster.toJson();
  }

  // ---- the link ----

  private void handshake(ServerWebSocketHandshake h) {
    upgradeSeen();
    int refusal = PATH.equals(h.path()) ? refusal() : 404;
    if (refusal != 0) {
      h.reject(refusal);
    } else if (authorized(h.headers().get(HttpHeaders.AUTHORIZATION)) || closesBadTokens()) {
      h.accept();
    } else {
      log.info("simulated hub: refused an upgrade with a bad or missing link token (401)");
      h.reject(401);
    }
  }

  private boolean authorized(String header) {
    // Constant time: compare digests of equal length, never the raw strings.
    return header != null && MessageDigest.isEqual(expectedAuth, sha256(header));
  }

  private void onConnection(ServerWebSocket ws) {
    socketOpened();
    ws.closeHandler(v -> closed(ws));
    if (!authorized(ws.headers().get(HttpHeaders.AUTHORIZATION))) {
      ws.close((short) LinkFrames.CLOSE_AUTH_FAILED, "link token rejected");
      return;
    }
    HubConnection c = new HubConnection(ws, new HubSessionState(sessionGeneration()));
    connections.add(c);
    // A hub of a demo cluster (shared log) waits for the bridge's first frame instead: it may resume a
    // session another node's hub began.
    if (active == null && shared == null) {
      commit(c, c.offered);
    }
    ws.textMessageHandler(text -> onFrame(c, text));
    ws.writeTextMessage(LinkFrames.hello(c.offered.id, heartbeatIntervalMs, true).encode());
  }

  private void closed(ServerWebSocket ws) {
    socketClosed();
    connections.removeIf(c -> c.socket == ws);
    for (HubSessionState s : sessions.values()) {
      if (s.socket == ws) {
        s.socket = null;
      }
    }
  }

  private void commit(HubConnection c, HubSessionState s) {
    if (s.socket != null && s.socket != c.socket) {
      s.socket.close((short) 4009, "session taken over by another connection");
    }
    c.session = s;
    s.socket = c.socket;
    sessions.put(s.id, s);
    active = s;
  }

  private void onFrame(HubConnection c, String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (RuntimeException e) {
      frameReceived(null, text);
      return;
    }
    frameReceived(frame, text);
    String type = String.valueOf(frame.getValue("type"));
    if (LinkFrames.RESUME.equals(type)) {
      onResume(c, frame);
      return;
    }
    if (c.session == null && !c.resuming) {
      commit(c, c.offered);
    }
    switch (type) {
      case LinkFrames.HEARTBEAT -> {
        if (acksHeartbeats()) {
          c.socket.writeTextMessage(LinkFrames.frame(LinkFrames.HEARTBEAT_ACK).encode());
        }
      }
      case LinkFrames.COMMAND -> onCommandFrame(c, frame);
      default -> log.debug("simulated hub: ignored a {} frame", type);
    }
  }

  private void onResume(HubConnection c, JsonObject frame) {
    String id = String.valueOf(frame.getValue("sessionId"));
    HubSessionState s = sessions.get(id);
    Object seqValue = frame.getValue("seq");
    Long after = seqValue instanceof Number n ? n.longValue() : null;
    if (shared != null && c.session == null && !c.resuming) {
      resumeFromLog(c, id, after);
      return;
    }
    if (c.session != null || s == null || s.generation < sessionGeneration() || !s.canReplayAfter(after)) {
      refuseResume(c);
      return;
    }
    commit(c, s);
    long from = after == null ? 0 : after;
    for (HubSessionState.Sent sent : s.history) {
      if (sent.seq() > from) {
        c.socket.writeTextMessage(sent.text());
      }
    }
    c.socket.writeTextMessage(LinkFrames.frame(LinkFrames.RESUMED).encode());
  }

  private void refuseResume(HubConnection c) {
    c.socket.writeTextMessage(LinkFrames.frame(LinkFrames.INVALID_SESSION).encode());
    HubSessionState fresh = new HubSessionState(sessionGeneration());
    commit(c, fresh);
    c.socket.writeTextMessage(LinkFrames.hello(fresh.id, heartbeatIntervalMs, true).encode());
  }

  /** Demo cluster: the session (whichever node's hub it began on) is rebuilt from the shared log, replayed, and goes on here. */
  private void resumeFromLog(HubConnection c, String id, Long after) {
    c.resuming = true;
    shared.tail(id, after, HISTORY).onComplete(ar -> {
      c.resuming = false;
      SharedHubLog.Tail tail = ar.succeeded() ? ar.result() : null;
      if (tail == null || c.session != null) {
        refuseResume(c);
        return;
      }
      HubSessionState s = new HubSessionState(id, sessionGeneration());
      long seq = tail.lastSeq() - tail.frames().size();
      for (String text : tail.frames()) {
        s.history.addLast(new HubSessionState.Sent(++seq, text));
      }
      s.seq = tail.lastSeq();
      commit(c, s);
      tail.frames().forEach(c.socket::writeTextMessage);
      c.socket.writeTextMessage(LinkFrames.frame(LinkFrames.RESUMED).encode());
      log.info("simulated hub: took over the demo cluster's session {} at seq {} from the shared log ({} frame(s) replayed)",
          id, tail.lastSeq(), tail.frames().size());
    });
  }

  private long append(HubSessionState s, JsonObject event) {
    long seq = ++s.seq;
    String text = LinkFrames.event(seq, event).encode();
    s.history.addLast(new HubSessionState.Sent(seq, text));
    if (s.history.size() > HISTORY) {
      s.history.removeFirst();
    }
    if (shared == null) {
      send(s, text);
    } else {
      // Logged before it is sent, one frame after the other: what a bridge has seen, the next hub can replay.
      logged = logged.transform(v -> shared.record(s.id, seq, text)).andThen(ar -> {
        if (ar.failed()) {
          log.warn("simulated hub: frame {} of session {} not in the shared log ({}); a failover now resets", seq, s.id,
              ar.cause().toString());
        }
        send(s, text);
      });
    }
    return seq;
  }

  private static void send(HubSessionState s, String text) {
    if (s.socket != null) {
      s.socket.writeTextMessage(text);
    }
  }

  private ServerWebSocket current() {
    if (active != null && active.socket != null) {
      return active.socket;
    }
    return connections.isEmpty() ? null : connections.get(connections.size() - 1).socket;
  }

  // ---- commands ----

  private void onCommandFrame(HubConnection c, JsonObject frame) {
    HubCommands.Answer answer = commands.answer(frame, commandAnswer());
    if (answer == null) {
      return;
    }
    c.socket.writeTextMessage(answer.ack().encode());
    for (JsonObject e : answer.effects()) {
      append(active, e);
    }
  }

  // ---- demo traffic ----

  private void generate(double expected) {
    if (!generating()) {
      return;
    }
    trafficCarry = Math.min(trafficCarry + expected, 1_000);
    while (trafficCarry >= 1) {
      trafficCarry--;
      for (JsonObject e : traffic.next()) {
        append(active, e);
      }
    }
  }

  // ---- helpers ----

  private <T> Future<T> onContext(Supplier<T> action) {
    if (io.vertx.core.Vertx.currentContext() == context) {
      try {
        return Future.succeededFuture(action.get());
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> {
      try {
        promise.complete(action.get());
      } catch (RuntimeException e) {
        promise.fail(e);
      }
    });
    return promise.future();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
