package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.discordbridge.app.Node;
import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.testing.Poll;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The set-up the direct-mode tests share: the fake Discord (one shard, heartbeats every 500 ms), a
 * whole node in process against it (127.0.0.1, a fresh journal, a short link backoff), tokens the
 * node accepts, and plain HTTP to it. {@link #close} ends the streams opened here, the node, the
 * fake and Vert.x.
 */
final class DirectNode implements AutoCloseable {
  static final String SECRET = "direct-node-secret-0123456789abcdef-0123";
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  final Vertx vertx;
  final FakeDiscord discord;
  private final String botToken;
  private final List<SseClient> streams = new ArrayList<>();
  private Node node;

  private DirectNode(Vertx vertx, FakeDiscord discord, String botToken) {
    this.vertx = vertx;
    this.discord = discord;
    this.botToken = botToken;
  }

  /** The fake Discord for {@code botToken}; no node yet. */
  static DirectNode fake(String botToken) {
    Vertx vertx = Vertx.vertx();
    FakeDiscord discord = FakeDiscord.start(vertx, botToken, 1, 1).await();
    discord.gateway.heartbeatIntervalMs(500);
    return new DirectNode(vertx, discord, botToken);
  }

  /**
   * Starts the node against the fake: its settings, then {@code extra} (which win).
   *
   * @param name the node id's and the journal directory's prefix
   */
  Node start(String name, Map<String, String> extra) throws IOException {
    JsonObject settings = new JsonObject().put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", "0")
        .put("AUTH_JWT_SECRET", SECRET).put("LINK_BACKOFF_BASE_MS", "50").put("LINK_BACKOFF_MAX_MS", "500")
        .put("COMMAND_JOURNAL_DIR", Files.createTempDirectory(name + "-journal").toString())
        .put("NODE_ID", name + "-" + System.nanoTime());
    discord.settings(botToken).forEach(settings::put);
    extra.forEach(settings::put);
    node = Node.start(Map.of(), settings).await();
    return node;
  }

  /** Waits until {@code /health/ready} answers {@code status}. */
  void awaitReady(int status) {
    Poll.until(20_000, "/health/ready " + status, () -> {
      try {
        return get("/health/ready", null).statusCode() == status;
      } catch (Exception e) {
        return false;
      }
    });
  }

  Node node() {
    return node;
  }

  String base() {
    return "http://127.0.0.1:" + node.httpPort();
  }

  /** A token the node accepts for {@code user} in {@code guilds}, with {@code claims} beside them. */
  String mint(String user, List<String> guilds, JsonObject claims) {
    return new Authenticator(node.vertx(), node.config().auth()).mint(user, guilds, 3_600, claims);
  }

  String mint(String user, List<String> guilds) {
    return mint(user, guilds, new JsonObject());
  }

  /** A stream at {@code pathAndQuery}, answered 200 and {@code ready}; closed by {@link #close}. */
  SseClient stream(String pathAndQuery, String token, String lastEventId) throws Exception {
    SseClient c = track(SseClient.open(base(), pathAndQuery, token, lastEventId));
    assertEquals(200, c.status(), c.body());
    assertNotNull(c.next("ready", 10_000));
    return c;
  }

  /** A stream opened by the test itself, closed by {@link #close}. */
  SseClient track(SseClient stream) {
    streams.add(stream);
    return stream;
  }

  /** GET with the token as a Bearer header (none when null). */
  HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A JSON POST with the token as a Bearer header. */
  HttpResponse<String> post(String path, String token, JsonObject body, Duration timeout) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).timeout(timeout).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    streams.forEach(SseClient::close);
    if (node != null) {
      node.stop().await();
    }
    discord.stop().await();
    vertx.close().await();
  }
}
