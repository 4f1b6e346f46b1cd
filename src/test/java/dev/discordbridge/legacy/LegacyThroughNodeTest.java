package dev.discordbridge.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.Times;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The legacy socket through a whole node (SSE router edge, gateway, simulated hub, legacy bridge):
 * the hub emits voice events, a legacy client receives them in the legacy shape.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LegacyThroughNodeTest {
  static final String SECRET = "0123456789abcdef0123456789abcdef-node";
  Node node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop().await();
    }
  }

  Node start(boolean legacy) {
    node = Node.start(Map.of(), new JsonObject().put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", 0)
        .put("SIM_EVENTS_PER_SEC", 0).put("AUTH_JWT_SECRET", SECRET).put("ENABLE_WS_BRIDGE", legacy)
        .put("VERTICLES_SSE_ROUTER_INSTANCES", 2).put("NODE_ID", "legacy-node")).await();
    return node;
  }

  WebSocketConnectOptions options(String token) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.httpPort()).setURI("/api/ws")
        .addHeader("Authorization", "Bearer " + token);
  }

  @Test
  void legacyClientGetsItsGuildsVoiceEventsOnly() throws Exception {
    start(true);
    JsonObject roster = node.simulatedHub().roster();
    String guild = roster.getJsonArray("guilds").getJsonObject(0).getString("id");
    String otherGuild = roster.getJsonArray("guilds").getJsonObject(1).getString("id");
    String user = roster.getJsonArray("users").getJsonObject(0).getString("id");
    String token = new Authenticator(node.vertx(), node.config().auth()).mint(user, List.of(guild), 300);

    WebSocket ws = node.vertx().createWebSocketClient().connect(options(token)).await();
    assertEquals("true", ws.headers().get("Deprecation"));
    BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
    ws.writeTextMessage(new JsonObject().put("type", "subscribe").put("guildId", otherGuild).encode()).await();
    assertEquals("FORBIDDEN", next(frames).getString("code"));
    ws.writeTextMessage(new JsonObject().put("type", "subscribe").put("guildId", guild).encode()).await();
    assertEquals("subscribed", next(frames).getString("type"));

    String voice = "556677889900112233";
    emit(otherGuild, "voice.joined", voice, new JsonObject().put("userId", user).put("username", "ana").put("channelId", voice));
    emit(guild, "voice.joined", voice, new JsonObject().put("userId", user).put("username", "ana").put("channelId", voice));
    emit(guild, "voice.left", voice, new JsonObject().put("userId", user).put("channelId", voice).put("reason", "moved"));

    JsonObject joined = next(frames);
    assertEquals("voice.joined", joined.getString("type"));
    assertEquals(guild, joined.getString("guildId"));
    assertEquals("ana", joined.getString("username"));
    assertNull(joined.getString("reason"));
    JsonObject left = next(frames);
    assertEquals("voice.left", left.getString("type"));
    assertEquals("moved", left.getString("reason"));
    assertEquals("ana", left.getString("username"));
    assertEquals(Map.of("type", 1, "guildId", 1, "channelId", 1, "userId", 1, "username", 1, "reason", 1, "at", 1).keySet(),
        left.fieldNames());
    assertTrue(frames.isEmpty(), "exactly one copy of each, nothing from the other guild: " + frames);
  }

  /** Fault (issue 9, item 7): a guild's series used to stay forever; it now leaves with its last socket. */
  @Test
  @Timeout(value = 150, unit = TimeUnit.SECONDS) // four scrapes that a loaded machine may slow
  void perGuildSeriesIsRemovedWhenItsLastSocketCloses() throws Exception {
    start(true);
    JsonObject roster = node.simulatedHub().roster();
    String guild = roster.getJsonArray("guilds").getJsonObject(0).getString("id");
    String user = roster.getJsonArray("users").getJsonObject(0).getString("id");
    String token = new Authenticator(node.vertx(), node.config().auth()).mint(user, List.of(guild), 300);
    String series = "bridge_legacy_sockets_by_guild{guild=\"" + guild + "\"";

    for (int round = 0; round < 2; round++) {
      WebSocket ws = node.vertx().createWebSocketClient().connect(options(token)).await();
      BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
      ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
      ws.writeTextMessage(new JsonObject().put("type", "subscribe").put("guildId", guild).encode()).await();
      assertEquals("subscribed", next(frames).getString("type"));
      awaitMetrics("the guild's series at 1", body -> body.lines().anyMatch(l -> l.startsWith(series) && l.endsWith(" 1.0")));
      ws.close().await();
      awaitMetrics("the guild's series gone", body -> !body.contains(series));
    }
  }

  /** Polls /metrics (a scrape has no event to await); a scrape slowed by a loaded machine is retried, not fatal. */
  void awaitMetrics(String what, Predicate<String> condition) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build();
    long deadline = System.currentTimeMillis() + 25_000;
    do {
      try {
        if (condition.test(http.send(request, HttpResponse.BodyHandlers.ofString()).body())) {
          return;
        }
      } catch (HttpTimeoutException slow) {
        continue; // try again within the deadline
      }
      Thread.sleep(20); // polling a scrape: there is no event to await
    } while (System.currentTimeMillis() < deadline);
    throw new AssertionError("timed out waiting for " + what);
  }

  @Test
  void flagOffGets410FromTheRealEdge() {
    start(false);
    String token = new Authenticator(node.vertx(), node.config().auth()).mint("112233445566778899", List.of(), 300);
    var err = assertThrows(Exception.class, () -> node.vertx().createWebSocketClient().connect(options(token)).await());
    UpgradeRejectedException rejected = assertInstanceOf(UpgradeRejectedException.class, err);
    assertEquals(410, rejected.getStatus());
    assertEquals("/api/stream", rejected.getBody().toJsonObject().getJsonObject("error").getString("successor"));
  }

  void emit(String guild, String name, String channel, JsonObject data) {
    node.simulatedHub().emit(new JsonObject().put("id", Ids.newEventId()).put("name", name).put("guildId", guild)
        .put("channelId", channel).put("occurredAt", Times.now()).put("data", data)).await();
  }

  static JsonObject next(BlockingQueue<JsonObject> frames) throws InterruptedException {
    JsonObject f = frames.poll(10, TimeUnit.SECONDS);
    assertNotNull(f, "expected a frame");
    return f;
  }
}
