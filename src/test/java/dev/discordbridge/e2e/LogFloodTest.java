package dev.discordbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.discordbridge.app.Node;
import dev.discordbridge.sim.Roster;
import dev.discordbridge.testing.LogCapture;
import dev.discordbridge.testing.Poll;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 25 item 7: what a client can make the bridge log. Refusals are counted in metrics and
 * summarised in a few lines, never a line each: 429s of one user, legacy sockets opened; and the
 * legacy socket does not answer pings without limit.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LogFloodTest {
  private static final Logger log = LoggerFactory.getLogger(LogFloodTest.class);
  static final String GUILD = Roster.NIGHT_OWLS;
  static final String CHANNEL = "1181471853712130052";
  static final String USER = "1098764523409876481";
  Node node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop().await();
    }
  }

  @Test
  void rateLimitedCommandsAreCountedAndSummarisedNotLoggedOneByOne() {
    node = E2e.start(new JsonObject().put("RATE_LIMIT_USER", "2/60s"));
    E2e.awaitReady(node, 200);
    String token = E2e.token(node, USER, List.of(GUILD));
    JsonObject body = new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL).put("content", "hi");
    int limited = 0;
    try (LogCapture logs = new LogCapture()) {
      for (int i = 0; i < 200; i++) {
        E2e.Response r = E2e.command(node, "sendMessage", token, body);
        if (r.status() == 429) {
          limited++;
        }
      }
      assertTrue(limited >= 190, "the bucket of 2 leaves the rest rate limited: " + limited);
      long lines = logs.count(e -> e.getLevel().isGreaterOrEqual(Level.INFO)
          && e.getFormattedMessage().toLowerCase().contains("rate limited"));
      log.info("measured: {} commands answered 429 wrote {} log line(s) about rate limiting", limited, lines);
      assertTrue(lines <= 6, limited + " 429s must be summarised in a few lines, got " + lines + ":\n" + logs.dump());
    }
    assertTrue(E2e.metric(node, "bridge_commands_total", "outcome", "rate_limited") >= 190,
        "429s are counted in metrics");
  }

  @Test
  void invalidAndForbiddenCommandsAreSummarisedNotLoggedOneByOne() {
    node = E2e.start(new JsonObject());
    E2e.awaitReady(node, 200);
    String token = E2e.token(node, USER, List.of(GUILD));
    JsonObject invalid = new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL).put("content", " ");
    JsonObject foreign = new JsonObject().put("guildId", "1203344107853062144").put("channelId", CHANNEL).put("content", "hi");
    try (LogCapture logs = new LogCapture()) {
      for (int i = 0; i < 100; i++) {
        assertEquals(400, E2e.command(node, "sendMessage", token, invalid).status());
        assertEquals(403, E2e.command(node, "sendMessage", token, foreign).status());
      }
      long lines = logs.ofLogger(".CommandDispatcherVerticle");
      log.info("measured: 100 invalid and 100 forbidden commands wrote {} log line(s)", lines);
      assertTrue(lines <= 4, "200 refusals must be summarised, got " + lines + ":\n" + logs.dump());
    }
    assertTrue(E2e.metric(node, "bridge_commands_total", "outcome=\"invalid\"") >= 100, "counted in metrics");
  }

  WebSocketConnectOptions options(String token) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.httpPort()).setURI("/api/ws")
        .addHeader("Authorization", "Bearer " + token);
  }

  @Test
  void legacySocketsOpenedAreSummarisedAndPingsAreLimited() throws Exception {
    node = E2e.start(new JsonObject().put("ENABLE_WS_BRIDGE", "true"));
    String token = E2e.token(node, USER, List.of(GUILD));
    WebSocketClient client = node.vertx().createWebSocketClient();
    try (LogCapture logs = new LogCapture()) {
      List<WebSocket> sockets = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        sockets.add(client.connect(options(token)).await());
      }
      long warns = logs.atLeast(Level.WARN, "legacy socket");
      log.info("measured: 40 legacy sockets opened wrote {} WARN line(s)", warns);
      assertTrue(warns <= 2, "40 sockets opened must be summarised, got " + warns + " WARN lines:\n" + logs.dump());
      for (WebSocket ws : sockets) {
        ws.close().await();
      }
    }
    WebSocket ws = client.connect(options(token)).await();
    AtomicInteger pongs = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    ws.textMessageHandler(t -> {
      if ("pong".equals(new JsonObject(t).getString("type"))) {
        pongs.incrementAndGet();
      }
    });
    ws.closeHandler(v -> closed.incrementAndGet());
    String ping = new JsonObject().put("type", "ping").encode();
    for (int i = 0; i < 500 && closed.get() == 0; i++) {
      ws.writeTextMessage(ping);
    }
    Poll.until(10_000, "the flooding socket is closed", () -> closed.get() == 1);
    log.info("measured: 500 pings sent at once: {} answered, then the socket was closed ({} {})", pongs.get(),
        ws.closeStatusCode(), ws.closeReason());
    assertTrue(pongs.get() <= 50, "pings are limited: " + pongs.get() + " answered");
    assertEquals(1008, (int) ws.closeStatusCode());
    assertEquals(1.0, E2e.metric(node, "bridge_legacy_sockets_closed_total", "reason=\"too_many_messages\""));
  }

  @Test
  void badLegacyUpgradesAreNotLoggedOneByOne() throws Exception {
    node = E2e.start(new JsonObject().put("ENABLE_WS_BRIDGE", "true"));
    String token = E2e.token(node, USER, List.of(GUILD));
    try (LogCapture logs = new LogCapture()) {
      for (int i = 0; i < 30; i++) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", node.httpPort())) {
          s.setSoTimeout(5_000);
          s.getOutputStream().write(("GET /api/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
          byte[] head = new byte[12];
          int n = s.getInputStream().readNBytes(head, 0, 12);
          assertTrue(n == 12 && new String(head).startsWith("HTTP/1.1 4"), "refused: " + new String(head, 0, n));
        }
      }
      long lines = logs.ofLogger(".LegacySocketEdge");
      log.info("measured: 30 bad legacy upgrades wrote {} log line(s)", lines);
      assertTrue(lines <= 2, "30 bad upgrades must not write a line each:\n" + logs.dump());
    }
  }
}
