package dev.discordbridge.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.auth.OriginPolicy;
import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusCodecs;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.GatewayEvent;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamEventCodec;
import dev.discordbridge.edge.LegacySocketEdge;
import dev.discordbridge.ops.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The legacy socket end to end on a real port: the edge (as the SSE router mounts it) and the
 * legacy bridge verticle, a real WebSocket client, events published on the bus as the gateway
 * publishes them.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LegacySocketTest {
  static final String SECRET = "0123456789abcdef0123456789abcdef-legacy";
  static final String USER = "112233445566778899";
  static final String GUILD_A = "223344556677889900";
  static final String GUILD_B = "334455667788990011";
  static final String FOREIGN = "445566778899001122";
  static final String VOICE = "556677889900112233";

  Vertx vertx;
  Authenticator auth;
  int port;
  final AtomicLong streamIds = new AtomicLong(1_000);

  @AfterEach
  void tearDown() {
    if (vertx != null) {
      vertx.close().await();
    }
  }

  /** Starts an edge (in a small HTTP verticle, as the SSE router mounts it) and, when enabled, the bridge. */
  void start(boolean enabled, JsonObject extra) {
    JsonObject raw = new JsonObject().put("AUTH_JWT_SECRET", SECRET).put("ENABLE_WS_BRIDGE", enabled)
        .put("NODE_ID", "test-node").mergeIn(extra);
    BridgeConfig config = BridgeConfig.parse(raw);
    vertx = Vertx.vertx(new VertxOptions().setMetricsOptions(Metrics.options()));
    vertx.eventBus().registerDefaultCodec(StreamEvent.class, new StreamEventCodec());
    BusCodecs.register(vertx.eventBus());
    auth = new Authenticator(vertx, config.auth());
    if (enabled) {
      vertx.deployVerticle(new LegacyBridgeVerticle()).await();
      vertx.deployVerticle(new LegacyPresenceVerticle()).await();
    }
    var holder = new int[1];
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        Router router = Router.router(vertx);
        var edge = new LegacySocketEdge(vertx, config, new Authenticator(vertx, config.auth()),
            new OriginPolicy(config.http().allowedOrigins()));
        return edge.mount(router).compose(v -> vertx
            .createHttpServer(LegacySocketEdge.applyLimits(new HttpServerOptions().setHttp2ClearTextEnabled(false), config))
            .requestHandler(router).listen(0, "127.0.0.1"))
            .onSuccess(s -> holder[0] = s.actualPort());
      }
    }).await();
    port = holder[0];
  }

  String token(String... guilds) {
    return auth.mint(USER, List.of(guilds), 300);
  }

  WebSocketConnectOptions options(String token) {
    var o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(LegacySocketEdge.PATH);
    if (token != null) {
      o.addHeader("Authorization", "Bearer " + token);
    }
    return o;
  }

  /** A connected client whose text messages land in a queue. */
  record Client(WebSocket ws, BlockingQueue<JsonObject> frames, CompletableFuture<Short> closed) {
    JsonObject next() throws InterruptedException {
      JsonObject f = frames.poll(5, TimeUnit.SECONDS);
      assertNotNull(f, "expected a frame within 5 s");
      return f;
    }

    void send(JsonObject frame) {
      ws.writeTextMessage(frame.encode()).await();
    }
  }

  Client connect(WebSocketConnectOptions o) {
    WebSocket ws = vertx.createWebSocketClient().connect(o).await();
    BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    CompletableFuture<Short> closed = new CompletableFuture<>();
    ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    return new Client(ws, frames, closed);
  }

  void emit(String name, String guild, JsonObject data) {
    emit(name, guild, VOICE, data);
  }

  void emit(String name, String guild, String channel, JsonObject data) {
    JsonObject raw = new JsonObject().put("id", Ids.newEventId()).put("name", name).put("guildId", guild)
        .put("channelId", channel).put("occurredAt", "2026-11-25T19:00:00.000Z").put("data", data);
    GatewayEvent e = GatewayEvent.fromJson(raw, n -> false);
    long now = System.currentTimeMillis();
    vertx.eventBus().publish(Addresses.EVENTS, StreamEvent.of(e, streamIds.incrementAndGet(), 1L, now, now));
  }

  static JsonObject joined(String user, String name) {
    return new JsonObject().put("userId", user).put("username", name).put("channelId", VOICE);
  }

  static JsonObject left(String user, String reason) {
    return new JsonObject().put("userId", user).put("channelId", VOICE).put("reason", reason);
  }

  @Test
  void subscriberReceivesOnlyItsGuildsVoiceEventsInLegacyShape() throws Exception {
    start(true, new JsonObject());
    Client c = connect(options(token(GUILD_A, GUILD_B)));
    c.send(new JsonObject().put("type", "subscribe").put("guildId", GUILD_A));
    assertEquals(new JsonObject().put("type", "subscribed").put("guildId", GUILD_A), c.next());

    emit("voice.joined", GUILD_B, joined("998877665544332211", "bea"));      // other guild: not for this socket
    emit("messageCreate", GUILD_A, new JsonObject().put("messageId", "887766554433221100")
        .put("author", new JsonObject().put("id", USER).put("username", "ana")).put("content", "hi"));
    emit("voice.joined", GUILD_A, joined(USER, "ana"));
    emit("voice.left", GUILD_A, left(USER, "disconnected"));

    JsonObject join = c.next();
    assertEquals(new JsonObject().put("type", "voice.joined").put("guildId", GUILD_A).put("channelId", VOICE)
        .put("userId", USER).put("username", "ana").putNull("reason").put("at", "2026-11-25T19:00:00.000Z"), join);
    JsonObject leave = c.next();
    assertEquals("voice.left", leave.getString("type"));
    assertEquals("ana", leave.getString("username"), "username remembered from the join");
    assertEquals("disconnected", leave.getString("reason"));
    assertEquals(GUILD_A, leave.getString("guildId"));
    assertTrue(c.frames.isEmpty(), "nothing of guild B, nothing but voice: " + c.frames);

    MeterRegistry registry = Metrics.registry();
    assertEquals(1.0, registry.get("bridge_legacy_sockets").gauge().value());
    assertEquals(1.0, registry.get("bridge_legacy_sockets_by_guild").tag("guild", GUILD_A).gauge().value());
    assertTrue(registry.get("bridge_legacy_frames_total").tag("direction", "in").counter().count() >= 1);
  }

  @Test
  void aTokensChannelsClaimKeepsOtherVoiceChannelsOffTheSocket() throws Exception {
    start(true, new JsonObject());
    String hidden = "556677889900112299";
    Client c = connect(options(auth.mint(USER, List.of(GUILD_A), List.of(VOICE), 300)));
    c.send(new JsonObject().put("type", "subscribe").put("guildId", GUILD_A));
    assertEquals("subscribed", c.next().getString("type"));
    emit("voice.joined", GUILD_A, hidden, new JsonObject().put("userId", "998877665544332211").put("username", "bea")
        .put("channelId", hidden));
    emit("voice.joined", GUILD_A, joined(USER, "ana"));
    JsonObject first = c.next();
    assertEquals(VOICE, first.getString("channelId"), "the hidden channel's event was never written: " + first);
    assertTrue(c.frames.isEmpty(), "nothing of the hidden channel: " + c.frames);
  }

  @Test
  void upgradeCarriesDeprecationHeaders() {
    start(true, new JsonObject());
    Client c = connect(options(token(GUILD_A)));
    assertEquals("true", c.ws.headers().get("Deprecation"));
    assertEquals("</api/stream>; rel=\"successor-version\"", c.ws.headers().get("Link"));
  }

  @Test
  void subscribingToAForeignGuildGetsAnErrorFrame() throws Exception {
    start(true, new JsonObject());
    Client c = connect(options(token(GUILD_A)));
    c.send(new JsonObject().put("type", "subscribe").put("guildId", FOREIGN));
    JsonObject error = c.next();
    assertEquals("error", error.getString("type"));
    assertEquals("FORBIDDEN", error.getString("code"));

    emit("voice.joined", FOREIGN, joined(USER, "ana"));
    c.send(new JsonObject().put("type", "ping"));
    assertEquals("pong", c.next().getString("type"), "the foreign guild's event never reached the socket");
  }

  @Test
  void malformedFramesGetErrorsThenTheSocketIsClosed() throws Exception {
    start(true, new JsonObject());
    Client c = connect(options(token(GUILD_A)));
    c.ws.writeTextMessage("not json").await();
    assertEquals("MALFORMED", c.next().getString("code"));
    for (int i = 1; i < LegacyBridgeVerticle.MAX_ERRORS; i++) {
      c.send(new JsonObject().put("type", "nonsense"));
    }
    assertEquals((short) 1008, c.closed.get(5, TimeUnit.SECONDS));
  }

  @Test
  void oversizedMessageClosesWith1009() throws Exception {
    start(true, new JsonObject().put("WS_MAX_FRAME_BYTES", 256));
    Client c = connect(options(token(GUILD_A)));
    c.ws.writeTextMessage("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(400) + "\"}");
    assertEquals((short) 1009, c.closed.get(5, TimeUnit.SECONDS));
  }

  @Test
  void aMessageOverSixtyFourKibIsReadWhenTheLimitAllowsIt() throws Exception {
    start(true, new JsonObject().put("WS_MAX_FRAME_BYTES", 200_000));
    Client c = connect(options(token(GUILD_A)));
    // 100 KiB: the client sends it as two frames (its frame size is 64 KiB); the edge reassembles them.
    c.ws.writeTextMessage("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(100 * 1024) + "\"}").await();
    assertEquals("pong", c.next().getString("type"));
  }

  @Test
  void aFragmentedMessageOverTheLimitClosesWith1009() throws Exception {
    start(true, new JsonObject().put("WS_MAX_FRAME_BYTES", 256));
    Client c = connect(options(token(GUILD_A)));
    c.ws.writeFrame(WebSocketFrame.textFrame("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(150), false)).await();
    c.ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("x".repeat(150) + "\"}"), true)).await();
    assertEquals((short) 1009, c.closed.get(5, TimeUnit.SECONDS));
  }

  @Test
  void expiredTokenClosesTheSocket() throws Exception {
    start(true, new JsonObject());
    Client c = connect(options(auth.mint(USER, List.of(GUILD_A), 1)));
    assertEquals((short) 1008, c.closed.get(8, TimeUnit.SECONDS));
  }

  @Test
  void aSocketThatNeverAnswersPingsIsClosed() throws Exception {
    start(true, new JsonObject().put("WS_PING_INTERVAL_MS", 150));
    // A raw TCP client: it upgrades, then ignores every ping (a real client library would pong).
    var received = new java.io.ByteArrayOutputStream();
    var closeFrame = new CompletableFuture<byte[]>();
    var socket = vertx.createNetClient().connect(port, "127.0.0.1").await();
    socket.handler(b -> {
      synchronized (received) {
        received.writeBytes(b.getBytes());
        byte[] all = received.toByteArray();
        String text = new String(all, java.nio.charset.StandardCharsets.ISO_8859_1);
        int body = text.indexOf("\r\n\r\n");
        for (int i = body < 0 ? all.length : body + 4; i + 3 < all.length; ) {
          int op = all[i] & 0x0f;
          int len = all[i + 1] & 0x7f;
          if (op == 0x8) {
            closeFrame.complete(new byte[] {all[i + 2], all[i + 3]});
          }
          i += 2 + len;
        }
      }
    });
    socket.write("GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + "Authorization: Bearer " + token(GUILD_A) + "\r\n\r\n").await();
    byte[] code = closeFrame.get(5, TimeUnit.SECONDS);
    assertEquals(1001, ((code[0] & 0xff) << 8) | (code[1] & 0xff), "closed as going away after the missed pong");
    String head = new String(received.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(head.startsWith("HTTP/1.1 101"), head);
    assertTrue(head.indexOf((char) 0x89) > 0, "a ping came before the close");
  }

  @Test
  void flagOffRefusesWith410AndNeverUpgrades() {
    start(false, new JsonObject());
    var err = assertThrows(Exception.class, () -> vertx.createWebSocketClient().connect(options(token(GUILD_A))).await());
    UpgradeRejectedException rejected = assertInstanceOf(UpgradeRejectedException.class, err);
    assertEquals(410, rejected.getStatus());
    assertEquals("true", rejected.getHeaders().get("Deprecation"));
    assertEquals("</api/stream>; rel=\"successor-version\"", rejected.getHeaders().get("Link"));

    HttpClient http = vertx.createHttpClient();
    int[] status = new int[1];
    JsonObject body = http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
            .setPort(port).setURI(LegacySocketEdge.PATH))
        .compose(r -> r.send())
        .compose(r -> {
          status[0] = r.statusCode();
          return r.body();
        }).await().toJsonObject();
    assertEquals(410, status[0]);
    assertEquals("GONE", body.getJsonObject("error").getString("code"));
    assertEquals("/api/stream", body.getJsonObject("error").getString("successor"));
    assertNotNull(body.getJsonObject("error").getString("message"));
  }

  @Test
  void foreignOriginIsRefused() {
    start(true, new JsonObject().put("ALLOWED_ORIGINS", "https://allowed.example"));
    var o = options(token(GUILD_A)).addHeader("Origin", "https://evil.example").addHeader("Sec-Fetch-Site", "cross-site");
    var err = assertThrows(Exception.class, () -> vertx.createWebSocketClient().connect(o).await());
    assertEquals(403, assertInstanceOf(UpgradeRejectedException.class, err).getStatus());

    var allowed = options(token(GUILD_A)).addHeader("Origin", "https://allowed.example");
    Client c = connect(allowed);
    assertFalse(c.ws.isClosed(), "an origin on the allow-list may upgrade");
  }

  @Test
  void missingOrBadTokenIs401() {
    start(true, new JsonObject());
    var none = assertThrows(Exception.class, () -> vertx.createWebSocketClient().connect(options(null)).await());
    UpgradeRejectedException rejected = assertInstanceOf(UpgradeRejectedException.class, none);
    assertEquals(401, rejected.getStatus());
    assertEquals("true", rejected.getHeaders().get("Deprecation"));
    var bad = assertThrows(Exception.class, () -> vertx.createWebSocketClient().connect(options("x.y.z")).await());
    assertEquals(401, assertInstanceOf(UpgradeRejectedException.class, bad).getStatus());
  }

  @Test
  void leftWithoutAKnownJoinHasNullUsername() {
    GatewayEvent e = GatewayEvent.fromJson(new JsonObject().put("id", "evt_1").put("name", "voice.left")
        .put("guildId", GUILD_A).put("channelId", VOICE).put("occurredAt", "2026-11-25T19:00:00.000Z")
        .put("data", left(USER, "kicked")), n -> false);
    JsonObject frame = new JsonObject(LegacyFrames.voice(StreamEvent.of(e, 1, 1L, 0, 0), null));
    assertTrue(frame.containsKey("username"));
    assertNull(frame.getString("username"));
    assertEquals("kicked", frame.getString("reason"));
  }
}
