package dev.discordbridge.discord;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.zip.Deflater;

/**
 * A fake Discord Gateway v10 for tests, written from Discord's documentation: a real WebSocket
 * server on 127.0.0.1 (port 0). It speaks {@code ?v=10&encoding=json}, optionally
 * {@code compress=zlib-stream} (one Deflater per connection, {@code SYNC_FLUSH}), sends Hello,
 * ACKs heartbeats, validates Identify (token, intents, shard) and Resume (session, seq), keeps
 * each session's dispatches and replays those after the Resume's seq, then RESUMED. Sessions
 * outlive their sockets (unless closed with 1000/1001), as on Discord.
 *
 * <p>Configure with the setters (before or while running), drive with {@link #dispatch},
 * {@link #invalidSession}, {@link #requestReconnect}, {@link #closeShard}, and read what the
 * bridge sent with {@link #received()}. {@link #when} completes once a condition holds. The
 * resume URL READY advertises is the same server on {@link #RESUME_PATH}; it can be made to
 * refuse connections. All mutable state lives on the fake's context.
 */
public final class FakeDiscordGateway {
  public static final String RESUME_PATH = "/resume";
  public static final String BOT_USER_ID = "100000000000000001";
  /** GUILD_PRESENCES, GUILD_MEMBERS, MESSAGE_CONTENT. */
  public static final int PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15);
  /** Every intent bit Discord defines (bits 0 to 25). */
  public static final int VALID_INTENTS = (1 << 26) - 1;

  /** One payload the bridge sent: its connection (numbered from 1), shard (once known), monotonic time, op and d. */
  public record Received(int connection, int shard, long atMs, int op, Object d) {}

  /** A close the bridge made (code as received). */
  public record ClientClose(int connection, int shard, Integer code) {}

  /** Discord closes a connection that sends a payload over 4096 bytes. */
  public static final int MAX_PAYLOAD_BYTES = 4096;

  private final java.util.concurrent.atomic.AtomicInteger oversized = new java.util.concurrent.atomic.AtomicInteger();
  private final Vertx vertx;
  private final String token;
  private final Signals signals = new Signals();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<ClientClose> clientCloses = new CopyOnWriteArrayList<>();
  private final List<String> connectionPaths = new CopyOnWriteArrayList<>();
  private final List<Long> helloTimes = new CopyOnWriteArrayList<>();
  private volatile long heartbeatIntervalMs = 41_250;
  private volatile boolean withholdAcks;
  private volatile boolean refuseResumeUrl;
  private volatile int enabledPrivilegedIntents = PRIVILEGED_INTENTS;
  private volatile int requiredShards = 1;
  private volatile int compressedParts = 1;
  private volatile boolean compressedAsFragments;
  private volatile int replayOverlap;
  private volatile boolean withholdHello;
  private volatile long identifySpacingMs;
  private volatile int maxConcurrency = 1;
  private final List<String> doubleSessions = new CopyOnWriteArrayList<>();
  private final Map<Integer, Long> lastIdentifyAt = new HashMap<>();
  private volatile int port;
  /** The bot's guilds: READY lists them unavailable, then each comes as a GUILD_CREATE on its shard. */
  private final Map<String, JsonObject> guilds = new java.util.concurrent.ConcurrentHashMap<>();

  // Confined to the fake's context.
  private Context context;
  private HttpServer server;
  private int connections;
  private final Map<String, Session> sessions = new HashMap<>();
  private final Map<Integer, Session> currentByShard = new HashMap<>();

  private static final class Session {
    final String id;
    final int shard;
    final int shardCount;
    final List<JsonObject> history = new java.util.ArrayList<>();
    long seq;
    Conn conn;

    Session(String id, int shard, int shardCount) {
      this.id = id;
      this.shard = shard;
      this.shardCount = shardCount;
    }
  }

  private static final class Conn {
    final int number;
    final ServerWebSocket ws;
    final Deflater deflater;
    final ArrayDeque<Long> sendTimes = new ArrayDeque<>();
    Session session;
    int shard = -1;
    boolean closed;

    Conn(int number, ServerWebSocket ws, boolean compress) {
      this.number = number;
      this.ws = ws;
      this.deflater = compress ? new Deflater() : null;
    }
  }

  public FakeDiscordGateway(Vertx vertx, String token) {
    this.vertx = vertx;
    this.token = token;
  }

  public Future<FakeDiscordGateway> start() {
    context = vertx.getOrCreateContext();
    Promise<FakeDiscordGateway> started = Promise.promise();
    context.runOnContext(v -> {
      server = vertx.createHttpServer(new HttpServerOptions()
              .setMaxWebSocketFrameSize(64 * 1024 * 1024)
              .setMaxWebSocketMessageSize(64 * 1024 * 1024))
          .webSocketHandshakeHandler(this::handshake)
          .webSocketHandler(this::onConnection);
      server.listen(0, "127.0.0.1").map(s -> {
        port = s.actualPort();
        return this;
      }).onComplete(started);
    });
    return started.future();
  }

  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The base gateway URL (what GET /gateway/bot would return): {@code ws://127.0.0.1:<port>}. */
  public String url() {
    return "ws://127.0.0.1:" + port;
  }

  /** The resume_gateway_url READY advertises. */
  public String resumeUrl() {
    return url() + RESUME_PATH;
  }

  // ---- switches ----

  public FakeDiscordGateway heartbeatIntervalMs(long ms) {
    heartbeatIntervalMs = ms;
    return this;
  }

  /** While on, heartbeats are not ACKed (a zombie connection, seen from the bridge). */
  public FakeDiscordGateway withholdAcks(boolean on) {
    withholdAcks = on;
    signals.changed();
    return this;
  }

  /** While on, new connections get no Hello (a gateway that accepted the socket but hangs). */
  public FakeDiscordGateway withholdHello(boolean on) {
    withholdHello = on;
    return this;
  }

  /** While on, the resume URL refuses WebSocket upgrades (HTTP 503). */
  public FakeDiscordGateway refuseResumeUrl(boolean on) {
    refuseResumeUrl = on;
    return this;
  }

  /** The privileged intents enabled "in the Developer Portal"; others requested close with 4014. */
  public FakeDiscordGateway enabledPrivilegedIntents(int mask) {
    enabledPrivilegedIntents = mask;
    return this;
  }

  /** Fewer shards than this in Identify closes with 4011 (sharding required). */
  public FakeDiscordGateway requiredShards(int n) {
    requiredShards = n;
    return this;
  }

  /**
   * Splits each compressed message into {@code parts} pieces, sent as separate WebSocket
   * messages, or (when {@code asFragments}) as one message of several frames.
   */
  public FakeDiscordGateway splitCompressed(int parts, boolean asFragments) {
    compressedParts = Math.max(1, parts);
    compressedAsFragments = asFragments;
    return this;
  }

  /**
   * A misbehaving replay: a Resume also replays the {@code n} events at or before the seq it
   * gave (which the bridge already has), to check that it delivers each seq once.
   */
  public FakeDiscordGateway replayOverlap(int n) {
    replayOverlap = Math.max(0, n);
    return this;
  }

  /**
   * Discord's Identify rate: at most one per {@code ms} in each bucket {@code shard % maxConcurrency};
   * one that comes sooner is answered with op 9 (not resumable), as Discord does.
   */
  public FakeDiscordGateway identifySpacing(long ms, int maxConcurrency) {
    identifySpacingMs = ms;
    this.maxConcurrency = Math.max(1, maxConcurrency);
    return this;
  }

  /**
   * Every Identify that started a session for a shard while another session of that shard was
   * still alive (not ended by op 9 false, 4007, 4009 or a 1000/1001 close): two live sessions.
   */
  public List<String> doubleSessions() {
    return List.copyOf(doubleSessions);
  }

  // ---- what the bridge did ----

  /** When each Hello was sent (monotonic ms), in connection order. */
  public List<Long> helloTimes() {
    return List.copyOf(helloTimes);
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public List<Received> received(int op) {
    return received.stream().filter(r -> r.op() == op).toList();
  }

  /** Payloads over {@link #MAX_PAYLOAD_BYTES} the bridge sent (each closed its connection). */
  public int oversized() {
    return oversized.get();
  }

  public List<ClientClose> clientCloses() {
    return List.copyOf(clientCloses);
  }

  /** The request path of every accepted connection, in order ("/" or {@link #RESUME_PATH}). */
  public List<String> connectionPaths() {
    return List.copyOf(connectionPaths);
  }

  /** Completes once {@code condition} holds; re-checked after everything the fake records. */
  public CompletableFuture<Void> when(BooleanSupplier condition) {
    return signals.when(condition);
  }

  // ---- driving ----

  /**
   * A guild the bot is in (its GUILD_CREATE payload, {@code id} and {@code channels} at least): every
   * new session of its shard gets it after READY, as Discord sends a bot its guilds.
   */
  public FakeDiscordGateway guild(JsonObject guildCreate) {
    guilds.put(guildCreate.getString("id"), guildCreate.copy());
    return this;
  }

  /** The shard of a guild: {@code (guild_id >> 22) % shards}. */
  public static int shardOf(String guildId, int shards) {
    return (int) ((Long.parseLong(guildId) >> 22) % shards);
  }

  /** Sends a dispatch on shard {@code shard}'s current session (stored for replay even while it is disconnected). */
  public Future<Long> dispatch(int shard, String type, JsonObject d) {
    return onContext(() -> {
      Session s = currentByShard.get(shard);
      if (s == null) {
        throw new IllegalStateException("shard " + shard + " has no session");
      }
      return emit(s, type, d, true);
    });
  }

  /**
   * A dispatch with any {@code s} (a broken gateway): written to the shard's live connection as
   * is, neither stored for replay nor counted in the session's own numbering.
   */
  public Future<Void> rawDispatch(int shard, String type, JsonObject d, Object s) {
    return onContext(() -> {
      write(live(shard).conn, new JsonObject().put("op", 0).put("t", type).put("s", s).put("d", d));
      return null;
    });
  }

  /** A GUILD_CREATE of about {@code approxBytes} (many members), with the given voice states. */
  public Future<Long> bigGuildCreate(int shard, String guildId, int approxBytes, JsonArray voiceStates) {
    var members = new JsonArray();
    int size = 0;
    for (long i = 0; size < approxBytes; i++) {
      String id = Long.toString(200000000000000000L + i);
      var m = new JsonObject().put("user", new JsonObject().put("id", id).put("username", "member" + i)
          .put("global_name", "Member number " + i)).put("roles", new JsonArray()).put("joined_at", "2024-01-01T00:00:00.000000+00:00");
      size += m.encode().length() + 1;
      members.add(m);
    }
    return dispatch(shard, "GUILD_CREATE", new JsonObject().put("id", guildId).put("name", "big guild")
        .put("unavailable", false).put("member_count", members.size()).put("members", members)
        .put("voice_states", voiceStates == null ? new JsonArray() : voiceStates).put("channels", new JsonArray()));
  }

  /** op 9 on the shard's live connection; {@code resumable=false} also ends the session. */
  public Future<Void> invalidSession(int shard, boolean resumable) {
    return onContext(() -> {
      Session s = live(shard);
      write(s.conn, new JsonObject().put("op", 9).put("d", resumable));
      if (!resumable) {
        end(s);
      }
      return null;
    });
  }

  /** op 7 Reconnect on the shard's live connection. */
  public Future<Void> requestReconnect(int shard) {
    return onContext(() -> {
      write(live(shard).conn, new JsonObject().put("op", 7).put("d", null));
      return null;
    });
  }

  /** op 1: asks the bridge for a heartbeat now. */
  public Future<Void> requestHeartbeat(int shard) {
    return onContext(() -> {
      write(live(shard).conn, new JsonObject().put("op", 1).put("d", null));
      return null;
    });
  }

  /** Closes the shard's live connection with {@code code}; 1000, 1001, 4007 and 4009 also end its session. */
  public Future<Void> closeShard(int shard, int code) {
    return onContext(() -> {
      Session s = live(shard);
      if (code == 1000 || code == 1001 || code == 4007 || code == 4009) {
        end(s);
      }
      close(s.conn, code, "closed by the fake");
      return null;
    });
  }

  /** The id of the shard's current session, or null. */
  public Future<String> sessionId(int shard) {
    return onContext(() -> currentByShard.get(shard) == null ? null : currentByShard.get(shard).id);
  }

  // ---- connections ----

  private void handshake(ServerWebSocketHandshake h) {
    boolean resumePath = RESUME_PATH.equals(h.path());
    if (!resumePath && !"/".equals(h.path())) {
      h.reject(404);
    } else if (resumePath && refuseResumeUrl) {
      h.reject(503);
    } else {
      h.accept();
    }
  }

  private void onConnection(ServerWebSocket ws) {
    Map<String, List<String>> params = new io.netty.handler.codec.http.QueryStringDecoder(ws.uri()).parameters();
    boolean compress = "zlib-stream".equals(first(params, "compress"));
    Conn c = new Conn(++connections, ws, compress);
    connectionPaths.add(ws.path());
    ws.textMessageHandler(text -> onPayload(c, text));
    ws.binaryMessageHandler(b -> close(c, 4002, "binary payloads are not accepted"));
    ws.closeHandler(v -> onClosed(c));
    signals.changed();
    if (!"10".equals(first(params, "v"))) {
      close(c, 4012, "Invalid API version");
      return;
    }
    if (!"json".equals(first(params, "encoding"))) {
      close(c, 4002, "Decode error");
      return;
    }
    if (withholdHello) {
      return;
    }
    write(c, new JsonObject().put("op", 10).put("d", new JsonObject().put("heartbeat_interval", heartbeatIntervalMs)));
    helloTimes.add(System.nanoTime() / 1_000_000);
    signals.changed();
  }

  private void onClosed(Conn c) {
    c.closed = true;
    if (c.deflater != null) {
      c.deflater.end();
    }
    Short code = c.ws.closeStatusCode();
    clientCloses.add(new ClientClose(c.number, c.shard, code == null ? null : code.intValue()));
    if (c.session != null && c.session.conn == c) {
      c.session.conn = null;
      if (code != null && (code == 1000 || code == 1001)) {
        end(c.session); // Discord ends a session closed with 1000/1001
      }
    }
    signals.changed();
  }

  private void onPayload(Conn c, String text) {
    if (c.closed) {
      return;
    }
    long now = System.nanoTime() / 1_000_000;
    c.sendTimes.addLast(now);
    while (c.sendTimes.peekFirst() <= now - 60_000) {
      c.sendTimes.removeFirst();
    }
    if (text.getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
      oversized.incrementAndGet();
      close(c, 4002, "Decode error: payload over 4096 bytes");
      return;
    }
    JsonObject p;
    try {
      p = new JsonObject(text);
    } catch (RuntimeException e) {
      close(c, 4002, "Decode error");
      return;
    }
    int op = p.getValue("op") instanceof Number n ? n.intValue() : -1;
    received.add(new Received(c.number, c.shard, now, op, p.getValue("d")));
    signals.changed();
    if (c.sendTimes.size() > 120) {
      close(c, 4008, "Rate limited");
      return;
    }
    switch (op) {
      case 1 -> {
        if (!withholdAcks) {
          write(c, new JsonObject().put("op", 11));
        }
      }
      case 2 -> identify(c, p.getValue("d"));
      case 6 -> resume(c, p.getValue("d"));
      case 3, 4, 8 -> {
        if (c.session == null) {
          close(c, 4003, "Not authenticated");
        }
      }
      default -> close(c, 4001, "Unknown opcode");
    }
  }

  private void identify(Conn c, Object raw) {
    if (c.session != null) {
      close(c, 4005, "Already authenticated");
      return;
    }
    if (!(raw instanceof JsonObject d) || !(d.getValue("properties") instanceof JsonObject props)
        || !(props.getValue("os") instanceof String) || !(props.getValue("browser") instanceof String)
        || !(props.getValue("device") instanceof String) || !(d.getValue("intents") instanceof Number intentsValue)) {
      close(c, 4002, "Decode error");
      return;
    }
    if (!token.equals(d.getValue("token"))) {
      close(c, 4004, "Authentication failed");
      return;
    }
    JsonArray shard = d.getValue("shard") instanceof JsonArray a ? a : new JsonArray().add(0).add(1);
    if (shard.size() != 2 || !(shard.getValue(0) instanceof Number id) || !(shard.getValue(1) instanceof Number count)
        || id.intValue() < 0 || count.intValue() < 1 || id.intValue() >= count.intValue()) {
      close(c, 4010, "Invalid shard");
      return;
    }
    if (count.intValue() < requiredShards) {
      close(c, 4011, "Sharding required");
      return;
    }
    int intents = intentsValue.intValue();
    if ((intents & ~VALID_INTENTS) != 0 || intentsValue.longValue() != intents) {
      close(c, 4013, "Invalid intent(s)");
      return;
    }
    if ((intents & PRIVILEGED_INTENTS & ~enabledPrivilegedIntents) != 0) {
      close(c, 4014, "Disallowed intent(s)");
      return;
    }
    long now = System.nanoTime() / 1_000_000;
    int bucket = id.intValue() % maxConcurrency;
    Long previous = lastIdentifyAt.put(bucket, now);
    if (identifySpacingMs > 0 && previous != null && now - previous < identifySpacingMs) {
      write(c, new JsonObject().put("op", 9).put("d", false));
      return;
    }
    for (Session other : sessions.values()) {
      if (other.shard == id.intValue()) {
        doubleSessions.add("shard " + other.shard + ": session " + other.id + " (" + other.shard + "/" + other.shardCount
            + ") still alive at a new Identify " + shard.encode());
      }
    }
    Session s = new Session(newSessionId(), id.intValue(), count.intValue());
    sessions.put(s.id, s);
    currentByShard.put(s.shard, s);
    attach(c, s);
    emit(s, "READY", new JsonObject().put("v", 10)
        .put("user", new JsonObject().put("id", BOT_USER_ID).put("username", "fake-bot").put("discriminator", "0").put("bot", true))
        .put("guilds", new JsonArray(ownGuilds(s).stream()
            .map(g -> new JsonObject().put("id", g.getString("id")).put("unavailable", true)).toList()))
        .put("session_id", s.id)
        .put("resume_gateway_url", resumeUrl())
        .put("shard", new JsonArray().add(s.shard).add(s.shardCount))
        .put("application", new JsonObject().put("id", BOT_USER_ID).put("flags", 0)), true);
    for (JsonObject g : ownGuilds(s)) {
      emit(s, "GUILD_CREATE", g.copy().put("unavailable", false), true);
    }
  }

  private List<JsonObject> ownGuilds(Session s) {
    return guilds.values().stream().filter(g -> shardOf(g.getString("id"), s.shardCount) == s.shard).toList();
  }

  private void resume(Conn c, Object raw) {
    if (c.session != null) {
      close(c, 4005, "Already authenticated");
      return;
    }
    if (!(raw instanceof JsonObject d) || !(d.getValue("seq") instanceof Number seqValue)
        || !(d.getValue("session_id") instanceof String sessionId)) {
      close(c, 4002, "Decode error");
      return;
    }
    if (!token.equals(d.getValue("token"))) {
      close(c, 4004, "Authentication failed");
      return;
    }
    Session s = sessions.get(sessionId);
    if (s == null) {
      write(c, new JsonObject().put("op", 9).put("d", false));
      return;
    }
    long seq = seqValue.longValue();
    if (seq > s.seq || seq < 0) {
      close(c, 4007, "Invalid seq");
      return;
    }
    if (s.conn != null && s.conn != c) {
      close(s.conn, 4000, "session resumed elsewhere");
    }
    attach(c, s);
    for (JsonObject e : s.history) {
      if (e.getLong("s") > seq - replayOverlap && !"RESUMED".equals(e.getString("t"))) {
        write(c, e);
      }
    }
    emit(s, "RESUMED", new JsonObject(), true);
  }

  private void attach(Conn c, Session s) {
    c.session = s;
    c.shard = s.shard;
    s.conn = c;
  }

  private long emit(Session s, String type, JsonObject d, boolean keep) {
    long seq = ++s.seq;
    var payload = new JsonObject().put("op", 0).put("t", type).put("s", seq).put("d", d);
    if (keep) {
      s.history.add(payload);
    }
    if (s.conn != null && !s.conn.closed) {
      write(s.conn, payload);
    }
    return seq;
  }

  private void end(Session s) {
    sessions.remove(s.id);
    currentByShard.remove(s.shard, s);
  }

  private Session live(int shard) {
    Session s = currentByShard.get(shard);
    if (s == null || s.conn == null || s.conn.closed) {
      throw new IllegalStateException("shard " + shard + " has no live connection");
    }
    return s;
  }

  private void close(Conn c, int code, String reason) {
    if (!c.closed) {
      c.ws.close((short) code, reason);
    }
  }

  // ---- writing ----

  private void write(Conn c, JsonObject payload) {
    if (c.closed) {
      return;
    }
    if (c.deflater == null) {
      c.ws.writeTextMessage(payload.encode());
      return;
    }
    byte[] z = deflate(c.deflater, payload.encode().getBytes(StandardCharsets.UTF_8));
    int parts = Math.min(compressedParts, z.length);
    int step = (z.length + parts - 1) / parts;
    for (int i = 0, off = 0; off < z.length; i++, off += step) {
      Buffer part = Buffer.buffer(java.util.Arrays.copyOfRange(z, off, Math.min(z.length, off + step)));
      boolean last = off + step >= z.length;
      if (parts == 1 || !compressedAsFragments) {
        c.ws.writeBinaryMessage(part);
      } else {
        c.ws.writeFrame(i == 0 ? WebSocketFrame.binaryFrame(part, last) : WebSocketFrame.continuationFrame(part, last));
      }
    }
  }

  /** One message through the connection's zlib context, ending with SYNC_FLUSH (00 00 FF FF). */
  public static byte[] deflate(Deflater deflater, byte[] input) {
    deflater.setInput(input);
    var out = new ByteArrayOutputStream(Math.max(64, input.length / 4));
    byte[] buf = new byte[64 * 1024];
    int n;
    do {
      n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
      out.write(buf, 0, n);
    } while (n == buf.length || !deflater.needsInput());
    return out.toByteArray();
  }

  private <T> Future<T> onContext(Supplier<T> action) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> {
      try {
        done.complete(action.get());
      } catch (RuntimeException e) {
        done.fail(e);
      }
    });
    return done.future();
  }

  private static String first(Map<String, List<String>> params, String key) {
    List<String> values = params.get(key);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static String newSessionId() {
    var r = ThreadLocalRandom.current();
    return HexFormat.of().toHexDigits(r.nextLong()) + HexFormat.of().toHexDigits(r.nextLong());
  }
}
