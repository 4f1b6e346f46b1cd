package dev.discordbridge.sim;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.contract.ContractViolation;
import dev.discordbridge.contract.EventName;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Ids;
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
import java.util.ArrayDeque;
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
public final class SimulatedHub extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SimulatedHub.class);

  public static final String PATH = "/gateway";
  public static final long DEFAULT_HEARTBEAT_MS = 5_000;
  /** A demo dropout: how long the user is shown in the channel before the connection drops. */
  public static final long DEMO_DROP_AFTER_MS = 1_500;
  /** Events kept per session for resumes. */
  public static final int HISTORY = 10_000;
  private static final int COMMAND_MEMORY = 10_000;
  private static final int SESSIONS_KEPT = 32;

  private final byte[] expectedAuth;
  private final double eventsPerSecond;
  private final Roster roster = Roster.DEMO;
  private volatile long heartbeatIntervalMs;
  private volatile int port;
  private volatile boolean ackHeartbeats = true;
  private volatile boolean rejectWithClose;
  private volatile boolean refuseConnections;
  private volatile Function<JsonObject, JsonObject> commandAnswer;
  private final AtomicLong invalidation = new AtomicLong();
  private final AtomicInteger handshakes = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger maxOpen = new AtomicInteger();
  private final List<JsonObject> received = Collections.synchronizedList(new ArrayList<>());

  // Confined to the hub's context.
  private Context context;
  private HttpServer server;
  private Session active;
  private final Map<String, Session> sessions = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
      return size() > SESSIONS_KEPT;
    }
  };
  private final List<Connection> connections = new ArrayList<>();
  private final Map<String, JsonObject> answered = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, JsonObject> eldest) {
      return size() > COMMAND_MEMORY;
    }
  };
  private DemoTraffic traffic;
  private double trafficCarry;
  /** Demo users put in voice by a demo dropout (user id → channel); the traffic never moves them. */
  private final Map<String, Roster.Channel> demoVoice = new java.util.HashMap<>();
  /** Demo dropouts under way (user id → the reply given), so a second click does not stack another. */
  private final Map<String, JsonObject> pendingDrops = new java.util.HashMap<>();

  private final class Session {
    final String id = "sess_" + Ids.newEventId().substring(4);
    final long generation = invalidation.get();
    final ArrayDeque<Sent> history = new ArrayDeque<>();
    long seq;
    ServerWebSocket socket;

    /** True when every event after {@code after} (null: from the start) is still in the history. */
    boolean canReplayAfter(Long after) {
      long from = after == null ? 0 : after;
      if (from < 0 || from > seq) {
        return false;
      }
      return from == seq || (!history.isEmpty() && history.peekFirst().seq() <= from + 1);
    }
  }

  private record Sent(long seq, String text) {}

  private static final class Connection {
    final ServerWebSocket socket;
    final Session offered;
    Session session;

    Connection(ServerWebSocket socket, Session offered) {
      this.socket = socket;
      this.offered = offered;
    }
  }

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

  /** The heartbeat interval announced in later {@code hello} frames. */
  public SimulatedHub heartbeatIntervalMs(long ms) {
    heartbeatIntervalMs = ms;
    return this;
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    if (eventsPerSecond > 0) {
      traffic = new DemoTraffic(roster, new Random());
      long period = Math.max(20, (long) (1000 / eventsPerSecond));
      vertx.setPeriodic(period, id -> generate(eventsPerSecond * period / 1000.0));
    }
    var rosterConsumer = vertx.eventBus().<JsonObject>consumer(Addresses.DEMO_ROSTER, m -> m.reply(roster()));
    var dropoutConsumer = vertx.eventBus().<JsonObject>consumer(Addresses.DEMO_DROPOUT, m -> demoDropout(m));
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

  /** Writes {@code text} as it is (malformed frames, for tests) to the bridge's current socket. */
  public Future<Void> sendRaw(String text) {
    return onContext(() -> current()).compose(ws -> ws == null
        ? Future.failedFuture(new IllegalStateException("no bridge connected"))
        : ws.writeTextMessage(text));
  }

  /** Closes the bridge's socket abruptly; the session stays resumable. */
  public Future<Void> dropLink() {
    return onContext(() -> new ArrayList<>(connections)).compose(open -> {
      List<Future<Void>> closes = new ArrayList<>();
      for (Connection c : open) {
        closes.add(c.socket.close((short) 1012, "dropped by the simulated hub"));
      }
      return Future.all(closes).mapEmpty();
    });
  }

  /** Sessions that exist now cannot be resumed: the next {@code resume} gets {@code invalidSession} and a fresh session. */
  public void invalidateSessions() {
    invalidation.incrementAndGet();
  }

  /** false: heartbeats are no longer acked (a zombie link, as the bridge sees it). */
  public void ackHeartbeats(boolean ack) {
    ackHeartbeats = ack;
  }

  /** true: a bad link token is refused by accepting the upgrade and closing with 4004 (instead of HTTP 401). */
  public void rejectWithClose(boolean close) {
    rejectWithClose = close;
  }

  /**
   * true: every upgrade is refused with HTTP 503 (the hub is unreachable for the bridge) until set
   * back to false. Open links stay up: {@link #dropLink} after this holds the link down.
   */
  public void refuseConnections(boolean refuse) {
    refuseConnections = refuse;
  }

  /**
   * How the hub answers a {@code command} frame: given the command object, return the {@code ack}
   * frame to send, or null to send none. Default (or {@code null}): ok, echoing messages,
   * reactions and typing as events. Ok acks and final errors are remembered per command id (a
   * retry gets the same ack and has no second effect); retryable errors and silence are not.
   */
  public void onCommand(Function<JsonObject, JsonObject> answer) {
    commandAnswer = answer;
  }

  /** Every frame the bridge sent, in order (heartbeats included). */
  public List<JsonObject> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** Sockets accepted so far, and those open now (a test asserts "never more than one link"). */
  public int connectionsAccepted() { return accepted.get(); }

  public int connectionsOpen() { return open.get(); }

  /** The most sockets that were ever open at once. */
  public int maxConnectionsOpen() { return maxOpen.get(); }

  /** Upgrade requests seen so far, refused ones included (a test asserts a refused bridge does not spin). */
  public int handshakes() { return handshakes.get(); }

  /** The demo roster: guilds, channels, users (the {@code bridge.demo.roster} reply). */
  public JsonObject roster() {
    return roster.toJson();
  }

  // ---- event builders (contract shape, fresh evt_ id, occurredAt now, fresh trace id) ----

  public static JsonObject event(String name, String guildId, String channelId, JsonObject data) {
    return new JsonObject()
        .put("id", Ids.newEventId())
        .put("name", name)
        .put("guildId", guildId)
        .put("channelId", channelId)
        .put("occurredAt", Times.now())
        .put("data", data)
        .put("trace", new JsonObject().put("traceId", Ids.newTraceId()));
  }

  public static JsonObject messageCreate(String guildId, String channelId, String userId, String username, String content) {
    return event(EventName.MESSAGE_CREATE.wire(), guildId, channelId, new JsonObject()
        .put("messageId", Snowflakes.next())
        .put("author", new JsonObject().put("id", userId).put("username", username))
        .put("content", content));
  }

  public static JsonObject reactionAdd(String guildId, String channelId, String messageId, String userId,
                                       String emojiName, String emojiId) {
    return event(EventName.REACTION_ADD.wire(), guildId, channelId, new JsonObject()
        .put("messageId", messageId).put("userId", userId)
        .put("emoji", new JsonObject().put("name", emojiName).put("id", emojiId)));
  }

  public static JsonObject typingStart(String guildId, String channelId, String userId) {
    return event(EventName.TYPING_START.wire(), guildId, channelId, new JsonObject().put("userId", userId));
  }

  public static JsonObject voiceJoined(String guildId, String voiceChannelId, String userId, String username) {
    return event(EventName.VOICE_JOINED.wire(), guildId, voiceChannelId, new JsonObject()
        .put("userId", userId).put("username", username).put("channelId", voiceChannelId));
  }

  public static JsonObject voiceLeft(String guildId, String voiceChannelId, String userId, String reason) {
    return event(EventName.VOICE_LEFT.wire(), guildId, voiceChannelId, new JsonObject()
        .put("userId", userId).put("channelId", voiceChannelId).put("reason", reason));
  }

  // ---- the link ----

  private void handshake(ServerWebSocketHandshake h) {
    handshakes.incrementAndGet();
    if (!PATH.equals(h.path())) {
      h.reject(404);
    } else if (refuseConnections) {
      h.reject(503);
    } else if (authorized(h.headers().get(HttpHeaders.AUTHORIZATION)) || rejectWithClose) {
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
    accepted.incrementAndGet();
    maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
    ws.closeHandler(v -> closed(ws));
    if (!authorized(ws.headers().get(HttpHeaders.AUTHORIZATION))) {
      ws.close((short) LinkFrames.CLOSE_AUTH_FAILED, "link token rejected");
      return;
    }
    Connection c = new Connection(ws, new Session());
    connections.add(c);
    if (active == null) {
      commit(c, c.offered);
    }
    ws.textMessageHandler(text -> onFrame(c, text));
    ws.writeTextMessage(LinkFrames.hello(c.offered.id, heartbeatIntervalMs, true).encode());
  }

  private void closed(ServerWebSocket ws) {
    open.decrementAndGet();
    connections.removeIf(c -> c.socket == ws);
    for (Session s : sessions.values()) {
      if (s.socket == ws) {
        s.socket = null;
      }
    }
  }

  private void commit(Connection c, Session s) {
    if (s.socket != null && s.socket != c.socket) {
      s.socket.close((short) 4009, "session taken over by another connection");
    }
    c.session = s;
    s.socket = c.socket;
    sessions.put(s.id, s);
    active = s;
  }

  private void onFrame(Connection c, String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (RuntimeException e) {
      received.add(new JsonObject().put("unparsable", text));
      return;
    }
    received.add(frame);
    String type = String.valueOf(frame.getValue("type"));
    if (LinkFrames.RESUME.equals(type)) {
      onResume(c, frame);
      return;
    }
    if (c.session == null) {
      commit(c, c.offered);
    }
    switch (type) {
      case LinkFrames.HEARTBEAT -> {
        if (ackHeartbeats) {
          c.socket.writeTextMessage(LinkFrames.frame(LinkFrames.HEARTBEAT_ACK).encode());
        }
      }
      case LinkFrames.COMMAND -> onCommandFrame(c, frame);
      default -> log.debug("simulated hub: ignored a {} frame", type);
    }
  }

  private void onResume(Connection c, JsonObject frame) {
    Session s = sessions.get(String.valueOf(frame.getValue("sessionId")));
    Object seqValue = frame.getValue("seq");
    Long after = seqValue instanceof Number n ? n.longValue() : null;
    if (c.session != null || s == null || s.generation < invalidation.get() || !s.canReplayAfter(after)) {
      c.socket.writeTextMessage(LinkFrames.frame(LinkFrames.INVALID_SESSION).encode());
      Session fresh = new Session();
      commit(c, fresh);
      c.socket.writeTextMessage(LinkFrames.hello(fresh.id, heartbeatIntervalMs, true).encode());
      return;
    }
    commit(c, s);
    long from = after == null ? 0 : after;
    for (Sent sent : s.history) {
      if (sent.seq() > from) {
        c.socket.writeTextMessage(sent.text());
      }
    }
    c.socket.writeTextMessage(LinkFrames.frame(LinkFrames.RESUMED).encode());
  }

  private long append(Session s, JsonObject event) {
    long seq = ++s.seq;
    String text = LinkFrames.event(seq, event).encode();
    s.history.addLast(new Sent(seq, text));
    if (s.history.size() > HISTORY) {
      s.history.removeFirst();
    }
    if (s.socket != null) {
      s.socket.writeTextMessage(text);
    }
    return seq;
  }

  private ServerWebSocket current() {
    if (active != null && active.socket != null) {
      return active.socket;
    }
    return connections.isEmpty() ? null : connections.get(connections.size() - 1).socket;
  }

  // ---- commands ----

  private void onCommandFrame(Connection c, JsonObject frame) {
    if (!(frame.getValue("command") instanceof JsonObject command) || !Ids.isOpaqueId(command.getValue("id"))) {
      log.warn("simulated hub: a command frame without a command id was ignored");
      return;
    }
    String id = command.getString("id");
    JsonObject earlier = answered.get(id);
    if (earlier != null) {
      c.socket.writeTextMessage(earlier.encode());
      return;
    }
    Function<JsonObject, JsonObject> custom = commandAnswer;
    JsonObject ack;
    List<JsonObject> effects = List.of();
    if (custom != null) {
      try {
        ack = custom.apply(command.copy());
      } catch (RuntimeException e) {
        ack = LinkFrames.ackError(id, "INTERNAL", String.valueOf(e.getMessage()), true, null);
      }
    } else {
      try {
        effects = effects(command);
        ack = LinkFrames.ackOk(id, effects.isEmpty() || !GatewayCommand.SEND_MESSAGE.equals(command.getString("name"))
            ? new JsonObject() : new JsonObject().put("messageId", effects.get(0).getJsonObject("data").getString("messageId")));
      } catch (ContractViolation v) {
        ack = LinkFrames.ackError(id, "INVALID_COMMAND", v.getMessage(), false, null);
      }
    }
    if (ack == null) {
      return;
    }
    JsonObject error = ack.getJsonObject("error");
    if (Boolean.TRUE.equals(ack.getBoolean("ok")) || error == null || !Boolean.TRUE.equals(error.getBoolean("retryable"))) {
      answered.put(id, ack);
    }
    c.socket.writeTextMessage(ack.encode());
    for (JsonObject e : effects) {
      append(active, e);
    }
  }

  /** What a command does in the demo world: the event it causes. */
  private List<JsonObject> effects(JsonObject command) {
    String guildId = EventName.snowflake(command.getValue("guildId"), "guildId");
    String channelId = EventName.snowflake(command.getValue("channelId"), "channelId");
    JsonObject actor = command.getValue("actor") instanceof JsonObject a ? a : new JsonObject();
    String userId = EventName.snowflake(actor.getValue("userId"), "actor.userId");
    JsonObject data = command.getValue("data") instanceof JsonObject d ? d : new JsonObject();
    String name = String.valueOf(command.getValue("name"));
    List<JsonObject> events = switch (name) {
      case GatewayCommand.SEND_MESSAGE -> List.of(messageCreate(guildId, channelId, userId, roster.username(userId),
          EventName.text(data.getValue("content"), "data.content", 1, EventName.MAX_CONTENT, true)));
      case GatewayCommand.ADD_REACTION -> {
        JsonObject emoji = EventName.emoji(data.getValue("emoji"), "data.emoji");
        yield List.of(reactionAdd(guildId, channelId, EventName.snowflake(data.getValue("messageId"), "data.messageId"),
            userId, emoji.getString("name"), emoji.getString("id")));
      }
      case GatewayCommand.TYPING_START -> List.of(typingStart(guildId, channelId, userId));
      default -> throw new ContractViolation("bad_field", "name", "unknown command \"" + name + "\"");
    };
    // The echo continues the command's trace: a message is traced from the POST to the browser.
    if (command.getValue("trace") instanceof JsonObject trace && Ids.isTraceId(trace.getValue("traceId"))) {
      events.forEach(e -> e.put("trace", new JsonObject().put("traceId", trace.getString("traceId"))));
    }
    return events;
  }

  // ---- demo dropout (POST /api/demo/dropout) ----

  /**
   * Puts a demo user in a voice channel (unless the user is in one already), then after
   * {@link #DEMO_DROP_AFTER_MS} drops the connection: {@code voice.left} with reason
   * {@code disconnected} for that very channel, so the page shows the user there first.
   */
  private void demoDropout(io.vertx.core.eventbus.Message<JsonObject> m) {
    JsonObject body = m.body() == null ? new JsonObject() : m.body();
    Roster.User user = roster.user(String.valueOf(body.getValue("userId")));
    if (user == null || user.simulated()) {
      m.fail(400, "not a demo user one can sign in as");
      return;
    }
    if (active == null) {
      m.fail(503, "no bridge is linked to the simulated hub yet");
      return;
    }
    JsonObject pending = pendingDrops.get(user.id());
    if (pending != null) {
      m.reply(pending.copy().put("joined", false));
      return;
    }
    Roster.Channel channel = demoVoice.get(user.id());
    boolean joined = channel == null;
    if (joined) {
      List<Roster.Channel> voice = roster.guilds().stream().flatMap(g -> g.voice().stream()).toList();
      channel = voice.get(new Random().nextInt(voice.size()));
      demoVoice.put(user.id(), channel);
      append(active, voiceJoined(channel.guildId(), channel.id(), user.id(), user.username()));
    }
    Roster.Channel target = channel;
    JsonObject reply = new JsonObject().put("guildId", target.guildId()).put("channelId", target.id())
        .put("channelName", target.name()).put("joined", joined)
        .put("dropsAt", Times.format(System.currentTimeMillis() + DEMO_DROP_AFTER_MS));
    pendingDrops.put(user.id(), reply);
    vertx.setTimer(DEMO_DROP_AFTER_MS, t -> {
      pendingDrops.remove(user.id());
      demoVoice.remove(user.id());
      if (active != null) {
        append(active, voiceLeft(target.guildId(), target.id(), user.id(), "disconnected"));
      }
    });
    log.info("simulated hub: demo dropout for {} in voice channel {} (joined: {})", user.username(), target.name(), joined);
    m.reply(reply);
  }

  // ---- demo traffic ----

  private void generate(double expected) {
    if (active == null) {
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
