package dev.discordbridge.app;

import dev.discordbridge.sim.TestHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.sim.SimulatedHub;
import dev.discordbridge.testing.BridgeProcess;
import dev.discordbridge.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM and restart of a node on its own, each node a JVM of its own from the built jar,
 * linked to a real WebSocket hub that this test plays (issue 9, items 9 and 10): commands answered
 * 202 survive the stop and reach the hub exactly once after the restart; an entry older than
 * COMMAND_MAX_AGE_MS is failed and logged instead of sent; open streams end with the chunked
 * terminator and a FIN, never a reset.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ShutdownIT {
  static final String LINK_TOKEN = "shutdown-it-link-token-" + UUID.randomUUID();
  static final String SECRET = "shutdown-it-secret-" + UUID.randomUUID();
  static final String GUILD = "900000000000000101";
  static final String CHANNEL = "900000000000000102";
  static final String USER = "900000000000000103";
  static final long GRACE_MS = 3_000;
  /** JVM exit after the drain: the streams' end, Vert.x's close, the JVM's own teardown. */
  static final long EXIT_MARGIN_MS = 7_000;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  Vertx vertx;
  TestHub hub;
  Authenticator tokens;
  final List<BridgeProcess> nodes = new ArrayList<>();

  @BeforeAll
  void startHub() {
    vertx = Vertx.vertx();
    hub = new TestHub(LINK_TOKEN, 0, 1_000);
    vertx.deployVerticle(hub).await();
    tokens = new Authenticator(vertx, new BridgeConfig.Auth(SECRET, null, "HS256", false, false));
  }

  @AfterEach
  void stopNodes() throws Exception {
    for (BridgeProcess n : nodes) {
      n.close();
    }
    nodes.clear();
    hub.refuseConnections(false);
    hub.onCommand(null);
  }

  @AfterAll
  void stopHub() {
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void commandsQueuedWhileTheLinkIsDownSurviveSigtermAndReachTheHubOnceAfterRestart(@TempDir Path journal) throws Exception {
    hub.refuseConnections(true);
    hub.dropLink().await();
    BridgeProcess first = start("shutdown-a", journal);
    String token = tokens.mint(USER, List.of(GUILD), 3_600);
    List<String> accepted = new ArrayList<>();
    List<Long> micros = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      long posted = System.nanoTime();
      HttpResponse<String> r = post(first, token, "kept-" + i);
      micros.add((System.nanoTime() - posted) / 1_000);
      assertEquals(202, r.statusCode(), r.body());
      JsonObject body = new JsonObject(r.body());
      assertEquals("queued", body.getString("status"));
      accepted.add(body.getString("commandId"));
    }
    List<Long> sorted = micros.stream().sorted().toList();
    System.out.printf("ShutdownIT: 25 sequential POSTs answered 202 (journaled and fsynced first): median %.1f ms, max %.1f ms%n",
        sorted.get(12) / 1e3, sorted.get(24) / 1e3);

    long sigterm = System.nanoTime();
    assertTrue(first.terminate(GRACE_MS + EXIT_MARGIN_MS), "the node exits within SHUTDOWN_GRACE_MS + margin after SIGTERM");
    long exitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
    System.out.printf("ShutdownIT: SIGTERM to exit with 25 commands queued and the link down: %d ms%n", exitMs);
    assertTrue(hub.received().stream().filter(f -> "command".equals(f.getString("type")))
        .noneMatch(f -> accepted.contains(f.getJsonObject("command").getString("id"))), "nothing reached the hub yet");

    hub.refuseConnections(false);
    BridgeProcess second = start("shutdown-b", journal);
    try {
      second.awaitLine(accepted.get(24) + " sendMessage acked").get(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      // the counts below say what went missing
    }
    Map<String, Long> sent = hub.received().stream().filter(f -> "command".equals(f.getString("type")))
        .map(f -> f.getJsonObject("command").getString("id"))
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    long arrived = accepted.stream().filter(sent::containsKey).count();
    assertEquals(25, arrived, "commands answered 202 that reached the hub after the restart");
    for (String id : accepted) {
      assertEquals(1L, sent.getOrDefault(id, 0L), "command " + id + " reached the hub exactly once");
    }
    List<String> order = hub.received().stream().filter(f -> "command".equals(f.getString("type")))
        .map(f -> f.getJsonObject("command").getString("id")).filter(accepted::contains).toList();
    assertEquals(accepted, order, "in acceptance order, with the ids of the 202s");
    assertTrue(has(first, "shutdown started"), "one line when shutdown starts");
    assertTrue(has(first, "shutdown complete"), "one line when shutdown ends");
    assertTrue(has(first, "25 command(s) not delivered") && has(first, journal.toAbsolutePath().toString()),
        "what remains is logged, with where it is kept");
  }

  @Test
  void whileTheQueueDrainsNewCommandsGet503WithRetryAfterAndAnUnackedCommandIsKept(@TempDir Path journal) throws Exception {
    BridgeProcess first = start("shutdown-drain", journal, "COMMAND_ACK_WAIT_MS", "200");
    first.awaitLine("upstream link usable").get(30, TimeUnit.SECONDS);
    hub.onCommand(c -> null); // the hub takes the frame and never acks: the command stays in flight
    String token = tokens.mint(USER, List.of(GUILD), 3_600);
    HttpResponse<String> queued = post(first, token, "unacked");
    assertEquals(202, queued.statusCode(), queued.body());
    String id = new JsonObject(queued.body()).getString("commandId");
    Poll.until(10_000, "the hub received " + id, () -> hub.received().stream()
        .anyMatch(f -> "command".equals(f.getString("type")) && id.equals(f.getJsonObject("command").getString("id"))));

    long sigterm = System.nanoTime();
    first.signalTerm();
    first.awaitLine("shutdown started").get(10, TimeUnit.SECONDS);
    HttpResponse<String> refused = post(first, token, "too late");
    assertEquals(503, refused.statusCode(), refused.body());
    assertEquals("SHUTTING_DOWN", new JsonObject(refused.body()).getJsonObject("error").getString("code"));
    assertTrue(refused.headers().firstValue("Retry-After").isPresent(), "Retry-After on the 503");
    HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + first.httpPort() + "/health/ready")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(503, ready.statusCode(), "not ready while draining, so load balancers send requests elsewhere: " + ready.body());
    assertTrue(first.terminate(GRACE_MS + EXIT_MARGIN_MS), "exits within SHUTDOWN_GRACE_MS + margin");
    long exitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
    System.out.printf("ShutdownIT: SIGTERM to exit with one command in flight and the link up: %d ms (grace %d ms)%n",
        exitMs, GRACE_MS);
    assertTrue(exitMs >= GRACE_MS - 500, "the queue had its grace period to drain: " + exitMs + " ms");
    assertTrue(has(first, "1 command(s) not delivered"), "what remains is logged");

    hub.onCommand(null);
    BridgeProcess second = start("shutdown-drain-2", journal);
    second.awaitLine(id + " sendMessage acked").get(30, TimeUnit.SECONDS);
  }

  @Test
  void aCrashLosesNoCommandAnswered202Either(@TempDir Path journal) throws Exception {
    hub.refuseConnections(true);
    hub.dropLink().await();
    BridgeProcess first = start("shutdown-crash", journal);
    String token = tokens.mint(USER, List.of(GUILD), 3_600);
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = post(first, token, "crash-" + i);
      assertEquals(202, r.statusCode(), r.body());
      accepted.add(new JsonObject(r.body()).getString("commandId"));
    }
    first.kill(); // kill -9: no shutdown hook, nothing flushed at exit
    hub.refuseConnections(false);
    BridgeProcess second = start("shutdown-crash-2", journal);
    second.awaitLine(accepted.get(4) + " sendMessage acked").get(30, TimeUnit.SECONDS);
    List<String> sent = hub.received().stream().filter(f -> "command".equals(f.getString("type")))
        .map(f -> f.getJsonObject("command").getString("id")).filter(accepted::contains).toList();
    assertEquals(accepted, sent, "every command answered 202 reached the hub once, in order, after the crash");
  }

  @Test
  void anEntryOlderThanTheMaxAgeIsFailedAndLoggedInsteadOfSent(@TempDir Path journal) throws Exception {
    long now = System.currentTimeMillis();
    GatewayCommand old = command("expired", now - 10 * 60_000);
    GatewayCommand fresh = command("fresh", now);
    // The journal's documented format (FileCommandJournal): one JSON object a line.
    Files.writeString(journal.resolve("commands.journal"),
        new JsonObject().put("op", "queued").put("command", old.toJson()).encode() + "\n"
            + new JsonObject().put("op", "queued").put("command", fresh.toJson()).encode() + "\n");
    BridgeProcess node = start("shutdown-expiry", journal, "COMMAND_MAX_AGE_MS", "60000");
    String expiredLine = node.awaitLine(old.id() + " sendMessage failed: expired").get(30, TimeUnit.SECONDS);
    assertTrue(expiredLine.contains("WARN") && expiredLine.contains(old.traceId()), "one WARN line with the command and trace ids: " + expiredLine);
    node.awaitLine(fresh.id() + " sendMessage acked").get(30, TimeUnit.SECONDS);
    List<String> sent = hub.received().stream().filter(f -> "command".equals(f.getString("type")))
        .map(f -> f.getJsonObject("command").getString("id")).toList();
    assertTrue(sent.contains(fresh.id()), "the fresh entry is sent");
    assertFalse(sent.contains(old.id()), "the expired entry is never sent");
  }

  @Test
  void openStreamsEndWithTheChunkedTerminatorOnSigterm(@TempDir Path journal) throws Exception {
    BridgeProcess node = start("shutdown-streams", journal);
    String token = tokens.mint(USER, List.of(GUILD), 3_600);
    List<Socket> sockets = new ArrayList<>();
    List<ByteArrayOutputStream> received = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Socket s = new Socket("127.0.0.1", node.httpPort());
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET /api/stream?guild=" + GUILD + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
          + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      var buf = new ByteArrayOutputStream();
      readUntil(s.getInputStream(), buf, "event: ready");
      sockets.add(s);
      received.add(buf);
    }
    long sigterm = System.nanoTime();
    assertTrue(node.terminate(GRACE_MS + EXIT_MARGIN_MS), "the node exits within SHUTDOWN_GRACE_MS + margin");
    System.out.printf("ShutdownIT: SIGTERM to exit with 3 open streams: %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm));
    for (int i = 0; i < sockets.size(); i++) {
      ByteArrayOutputStream buf = received.get(i);
      try (Socket s = sockets.get(i)) {
        InputStream in = s.getInputStream();
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) >= 0) { // a reset throws SocketException here
          buf.write(chunk, 0, n);
        }
      }
      String text = buf.toString(StandardCharsets.UTF_8);
      assertTrue(text.endsWith("0\r\n\r\n"), "the chunked terminator, then EOF: " + tail(text));
      assertTrue(text.contains("event: shutdown"), "a final shutdown event: " + tail(text));
    }
    assertTrue(has(node, "shutdown started") && has(node, "shutdown complete"), "one line at the start, one at the end");
  }

  // ---- support ----

  BridgeProcess start(String name, Path journal, String... extra) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("GATEWAY_WS_URL", "ws://127.0.0.1:" + hub.port() + SimulatedHub.PATH);
    env.put("LINK_TOKEN", LINK_TOKEN);
    env.put("AUTH_JWT_SECRET", SECRET);
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("COMMAND_JOURNAL_DIR", journal.toString());
    env.put("SHUTDOWN_GRACE_MS", String.valueOf(GRACE_MS));
    env.put("RATE_LIMIT_USER", "1000/1s");
    env.put("RATE_LIMIT_CHANNEL", "1000/1s");
    env.put("LINK_BACKOFF_BASE_MS", "100");
    env.put("LINK_BACKOFF_MAX_MS", "500");
    env.put("VERTICLES_SSE_ROUTER_INSTANCES", "1");
    for (int i = 0; i + 1 < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    BridgeProcess node = BridgeProcess.start(name, BridgeProcess.freePort(), env);
    nodes.add(node);
    node.awaitLine("listening on port").get(60, TimeUnit.SECONDS);
    return node;
  }

  static HttpResponse<String> post(BridgeProcess node, String token, String content) throws Exception {
    String body = new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL).put("content", content).encode();
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/api/commands/sendMessage"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  static GatewayCommand command(String content, long requestedAt) {
    return new GatewayCommand(Ids.newCommandId(), GatewayCommand.SEND_MESSAGE, GUILD, CHANNEL, USER,
        new JsonObject().put("content", content), Ids.newTraceId(), requestedAt);
  }

  static boolean has(BridgeProcess node, String text) {
    return node.lines().stream().anyMatch(l -> l.contains(text));
  }

  static void readUntil(InputStream in, ByteArrayOutputStream buf, String marker) throws IOException {
    byte[] chunk = new byte[4096];
    while (!buf.toString(StandardCharsets.UTF_8).contains(marker)) {
      int n = in.read(chunk);
      if (n < 0) {
        throw new IOException("stream ended before \"" + marker + "\": " + buf.toString(StandardCharsets.UTF_8));
      }
      buf.write(chunk, 0, n);
    }
  }

  static String tail(String text) {
    return text.length() > 300 ? "…" + text.substring(text.length() - 300) : text;
  }
}
