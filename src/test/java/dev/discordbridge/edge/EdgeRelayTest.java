package dev.discordbridge.edge;

import static dev.discordbridge.edge.StreamTestSupport.bearer;
import static dev.discordbridge.edge.TestEvents.GUILD;
import static dev.discordbridge.edge.TestEvents.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.CommandOutcome;
import dev.discordbridge.bus.CommandRequest;
import dev.discordbridge.bus.DemoRoster;
import dev.discordbridge.bus.IngestBatch;
import dev.discordbridge.bus.IngestResult;
import dev.discordbridge.bus.LinkStatus;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The rest of the public port: command and ingest relays, CORS, health, metrics, demo routes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EdgeRelayTest {
  static final String ALLOWED = "https://app.example.com";
  static Vertx vertx;
  static WebClient web;
  static BridgeConfig config;
  static int port;
  static final AtomicReference<CommandRequest> lastEnvelope = new AtomicReference<>();
  static MessageConsumer<CommandRequest> dispatcher;
  /** The fake dispatcher's answer: a queued command answered again from its Idempotency-Key. */
  static final CommandOutcome QUEUED_REPLAY = CommandOutcome.queued("cmd_123").asReplay();

  @BeforeAll
  static void setUp() {
    vertx = StreamTestSupport.edgeVertx();
    port = StreamTestSupport.freePort();
    config = BridgeConfig.parse(StreamTestSupport.baseConfig(port)
        .put("ALLOWED_ORIGINS", ALLOWED)
        .put("HTTP_BODY_LIMIT_BYTES", 1024)
        .put("COMMAND_ACK_WAIT_MS", 100));
    dispatcher = vertx.eventBus().consumer(Addresses.COMMAND_SUBMIT, m -> {
      lastEnvelope.set(m.body());
      m.reply(QUEUED_REPLAY);
    });
    dispatcher.completion().await();
    StreamTestSupport.deploy(vertx, config, 2);
    web = WebClient.create(vertx);
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  static String token() {
    return StreamTestSupport.token(vertx, config, USER, List.of(GUILD), 600);
  }

  static HttpRequest<Buffer> post(String path) {
    return web.request(HttpMethod.POST, port, "127.0.0.1", path);
  }

  static HttpResponse<Buffer> command(String body, String... headers) {
    HttpRequest<Buffer> req = post("/api/commands/sendMessage");
    for (int i = 0; i < headers.length; i += 2) {
      req.putHeader(headers[i], headers[i + 1]);
    }
    return req.sendBuffer(Buffer.buffer(body)).await();
  }

  static String errorCode(HttpResponse<Buffer> res) {
    return res.bodyAsJsonObject().getJsonObject("error").getString("code");
  }

  static final String BODY = new JsonObject().put("guildId", GUILD).put("channelId", TestEvents.CHANNEL).put("content", "hi").encode();

  @Test
  void commandIsRelayedAndTheOutcomeWrittenAsHttp() {
    String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    var res = command(BODY, "Authorization", "Bearer " + token(), "Content-Type", "application/json",
        "traceparent", traceparent, "Idempotency-Key", "k-1");
    assertEquals(202, res.statusCode());
    assertEquals("true", res.getHeader("Idempotent-Replayed"));
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", res.getHeader("X-Trace-Id"));
    assertEquals(new JsonObject().put("commandId", "cmd_123").put("status", "queued"), res.bodyAsJsonObject());
    CommandRequest env = lastEnvelope.get();
    assertEquals("sendMessage", env.name());
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", env.traceId());
    assertEquals(USER, env.userId());
    assertEquals(List.of(GUILD), env.guilds());
    assertEquals("header", env.via());
    assertEquals("k-1", env.idempotencyKey());
    assertEquals(traceparent, env.traceparent());
    assertEquals(new JsonObject(BODY), env.body());
  }

  @Test
  void edgeRefusalsInTheContractsOrder() {
    String t = token();
    var noAuth = command(BODY, "Content-Type", "application/json");
    assertEquals(401, noAuth.statusCode());
    assertEquals("UNAUTHENTICATED", errorCode(noAuth));
    assertEquals(32, noAuth.getHeader("X-Trace-Id").length());

    var crossSite = command(BODY, "Cookie", "bridge_token=" + t, "Content-Type", "application/json",
        "Origin", "https://evil.example.net", "Sec-Fetch-Site", "cross-site");
    assertEquals(403, crossSite.statusCode());
    assertEquals("FORBIDDEN", errorCode(crossSite));
    var allowedSite = command(BODY, "Cookie", "bridge_token=" + t, "Content-Type", "application/json",
        "Origin", ALLOWED, "Sec-Fetch-Site", "cross-site");
    assertEquals(202, allowedSite.statusCode());
    assertEquals("cookie", lastEnvelope.get().via());
    var sameOrigin = command(BODY, "Cookie", "bridge_token=" + t, "Content-Type", "application/json",
        "Origin", "http://127.0.0.1:" + port, "Sec-Fetch-Site", "same-origin");
    assertEquals(202, sameOrigin.statusCode());

    String big = new JsonObject().put("guildId", GUILD).put("content", "x".repeat(2000)).encode();
    var tooLarge = command(big, "Authorization", "Bearer " + t, "Content-Type", "application/json");
    assertEquals(413, tooLarge.statusCode());
    assertEquals("PAYLOAD_TOO_LARGE", errorCode(tooLarge));
    // Without Content-Length (chunked) the cap applies while reading.
    int chunked = vertx.createHttpClient().request(HttpMethod.POST, port, "127.0.0.1", "/api/commands/sendMessage")
        .compose(req -> {
          req.setChunked(true).putHeader("Authorization", "Bearer " + t).putHeader("Content-Type", "application/json");
          req.write(big.substring(0, 1000));
          req.end(big.substring(1000));
          return req.response();
        }).await().statusCode();
    assertEquals(413, chunked);

    var text = command(BODY, "Authorization", "Bearer " + t, "Content-Type", "text/plain");
    assertEquals(415, text.statusCode());
    assertEquals("UNSUPPORTED_MEDIA_TYPE", errorCode(text));
    var broken = command("{\"guildId\":", "Authorization", "Bearer " + t, "Content-Type", "application/json");
    assertEquals(415, broken.statusCode());
    var deep = command("[".repeat(200) + "]".repeat(200), "Authorization", "Bearer " + t, "Content-Type", "application/json");
    assertEquals(415, deep.statusCode());
    var array = command("[1,2]", "Authorization", "Bearer " + t, "Content-Type", "application/json; charset=utf-8");
    assertEquals(400, array.statusCode());
    assertEquals("VALIDATION_FAILED", errorCode(array));
  }

  @Test
  void nobodyConsumingIs503() {
    dispatcher.unregister().await();
    try {
      var res = command(BODY, "Authorization", "Bearer " + token(), "Content-Type", "application/json");
      assertEquals(503, res.statusCode());
      assertEquals("SERVICE_UNAVAILABLE", errorCode(res));
      assertNotNull(res.getHeader("X-Trace-Id"));
    } finally {
      dispatcher = vertx.eventBus().consumer(Addresses.COMMAND_SUBMIT, m -> {
        lastEnvelope.set(m.body());
        m.reply(QUEUED_REPLAY);
      });
      dispatcher.completion().await();
    }
  }

  @Test
  void internalEventsNeedTheLinkToken() {
    MessageConsumer<IngestBatch> ingest = vertx.eventBus().consumer(Addresses.GATEWAY_INGEST,
        m -> m.reply(new IngestResult(m.body().events().size(), 0, List.of())));
    ingest.completion().await();
    try {
      String body = new JsonObject().put("v", 1).put("events", new JsonArray().add(new JsonObject())).encode();
      var bad = post("/internal/events").putHeader("Authorization", "Bearer wrong")
          .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)).await();
      assertEquals(401, bad.statusCode());
      var good = post("/internal/events").putHeader("Authorization", "Bearer " + StreamTestSupport.LINK_TOKEN)
          .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)).await();
      assertEquals(200, good.statusCode());
      assertEquals(1, good.bodyAsJsonObject().getInteger("accepted"));
    } finally {
      ingest.unregister().await();
    }
  }

  @Test
  void corsOnlyForAllowedOrigins() {
    var allowed = web.request(HttpMethod.OPTIONS, port, "127.0.0.1", "/api/commands/sendMessage")
        .putHeader("Origin", ALLOWED).putHeader("Access-Control-Request-Method", "POST").send().await();
    assertEquals(ALLOWED, allowed.getHeader("Access-Control-Allow-Origin"));
    assertEquals("true", allowed.getHeader("Access-Control-Allow-Credentials"));
    var other = web.request(HttpMethod.OPTIONS, port, "127.0.0.1", "/api/commands/sendMessage")
        .putHeader("Origin", "https://evil.example.net").putHeader("Access-Control-Request-Method", "POST").send().await();
    assertNull(other.getHeader("Access-Control-Allow-Origin"));
  }

  @Test
  void readinessFollowsTheLinkStatus() {
    assertEquals(200, web.get(port, "127.0.0.1", "/health/live").send().await().statusCode());
    assertEquals(503, web.get(port, "127.0.0.1", "/health/ready").send().await().statusCode());
    vertx.eventBus().publish(Addresses.LINK_STATUS, linkStatus(true));
    long deadline = System.currentTimeMillis() + 5000;
    int status;
    do {
      status = web.get(port, "127.0.0.1", "/health/ready").send().await().statusCode();
    } while (status != 200 && System.currentTimeMillis() < deadline);
    assertEquals(200, status);
    vertx.eventBus().publish(Addresses.LINK_STATUS, linkStatus(false));
    deadline = System.currentTimeMillis() + 5000;
    do {
      status = web.get(port, "127.0.0.1", "/health/ready").send().await().statusCode();
    } while (status != 503 && System.currentTimeMillis() < deadline);
    assertEquals(503, status);
  }

  static double scrape(String metric) {
    String text = web.get(port, "127.0.0.1", "/metrics").send().await().bodyAsString();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
  }

  @Test
  void metricsMoveWithStreams() {
    var client = vertx.createHttpClient();
    double before = scrape("bridge_sse_connections");
    double deliveredBefore = scrape("bridge_sse_events_delivered_total");
    SseClient c = SseClient.open(port, "/api/stream", bearer(token()));
    c.next();
    c.next();
    assertEquals(before + 1, scrape("bridge_sse_connections"));
    vertx.eventBus().publish(Addresses.EVENTS, TestEvents.message(1));
    assertEquals("messageCreate", c.nextEvent().name());
    assertTrue(scrape("bridge_sse_events_delivered_total") >= (Double.isNaN(deliveredBefore) ? 0 : deliveredBefore) + 1);
    assertTrue(scrape("bridge_sse_delivery_latency_seconds_count") >= 1);
    c.close();
    long deadline = System.currentTimeMillis() + 5000;
    while (scrape("bridge_sse_connections") != before && System.currentTimeMillis() < deadline) {
      // the close reaches the server asynchronously
    }
    assertEquals(before, scrape("bridge_sse_connections"));
  }

  @Test
  void demoRoutesExistOnlyInDemoMode() {
    assertEquals(404, web.get(port, "127.0.0.1", "/api/demo/token").send().await().statusCode());
    Vertx demo = Vertx.vertx();
    try {
      StreamTestSupport.registerCodec(demo);
      int p = StreamTestSupport.freePort();
      BridgeConfig c = BridgeConfig.parse(new JsonObject().put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", p));
      demo.eventBus().consumer(Addresses.DEMO_ROSTER, m -> m.reply(new DemoRoster(new JsonObject()
          .put("guilds", new JsonArray().add(new JsonObject().put("id", GUILD).put("name", "g").put("channels", new JsonArray())))
          .put("users", new JsonArray().add(new JsonObject().put("id", USER).put("username", "ana"))))))
          .completion().await();
      StreamTestSupport.deploy(demo, c, 1);
      WebClient w = WebClient.create(demo);
      JsonObject issued = w.get(p, "127.0.0.1", "/api/demo/token").send().await().bodyAsJsonObject();
      assertEquals(USER, issued.getJsonObject("user").getString("id"));
      assertEquals(new JsonArray().add(GUILD), issued.getJsonArray("guilds"));
      SseClient s = SseClient.open(p, "/api/stream", bearer(issued.getString("token")));
      assertEquals(200, s.status());
      var raw = w.get(p, "127.0.0.1", "/api/demo/token?format=raw&user=" + USER).send().await();
      assertTrue(raw.getHeader("Content-Type").startsWith("text/plain"));
      assertEquals(3, raw.bodyAsString().split("\\.").length);
      var login = w.post(p, "127.0.0.1", "/api/demo/login").putHeader("Content-Type", "application/json")
          .sendJsonObject(new JsonObject().put("userId", USER)).await();
      assertEquals(200, login.statusCode());
      String cookie = login.cookies().stream().filter(k -> k.startsWith("bridge_token=")).findFirst().orElseThrow();
      assertTrue(cookie.startsWith("bridge_token="), cookie);
      String lower = cookie.toLowerCase();
      assertTrue(lower.contains("httponly") && lower.contains("samesite=strict") && lower.contains("path=/"), cookie);
      var unknown = w.get(p, "127.0.0.1", "/api/demo/token?user=999999999999999999").send().await();
      assertEquals(400, unknown.statusCode());
      var logout = w.post(p, "127.0.0.1", "/api/demo/logout").send().await();
      assertTrue(logout.cookies().get(0).contains("Max-Age=0"), logout.cookies().get(0));
    } finally {
      demo.close().await();
    }
  }

  private static LinkStatus linkStatus(boolean usable) {
    return new LinkStatus("n1", false, usable ? "connected" : "backoff", usable, null, null, null, null, 0,
        "2026-01-01T00:00:00.000Z", null);
  }
}
