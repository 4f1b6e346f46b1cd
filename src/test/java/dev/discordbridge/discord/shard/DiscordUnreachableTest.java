package dev.discordbridge.discord.shard;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.discord.FakeDiscord;
import dev.discordbridge.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** When Discord cannot be reached, /health/ready says why: connection refused, TLS, on REST or on the gateway. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DiscordUnreachableTest {
  static final String TOKEN = "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.unreachable-test-token";
  static final String SECRET = "unreachable-secret-0123456789abcdef-0123";
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  Vertx vertx;
  FakeDiscord discord;
  Node node;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    discord = FakeDiscord.start(vertx, TOKEN, 1, 1).await();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (node != null) {
      node.stop().await();
    }
    discord.stop().await();
    vertx.close().await();
  }

  void start(Map<String, String> discordSettings) throws Exception {
    JsonObject settings = new JsonObject().put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", "0")
        .put("AUTH_JWT_SECRET", SECRET).put("LINK_BACKOFF_BASE_MS", "50").put("LINK_BACKOFF_MAX_MS", "500")
        .put("COMMAND_JOURNAL_DIR", Files.createTempDirectory("unreachable-journal").toString())
        .put("NODE_ID", "unreachable-" + System.nanoTime()).put("DISCORD_BOT_TOKEN", TOKEN);
    discordSettings.forEach(settings::put);
    node = Node.start(Map.of(), settings).await();
  }

  /** Waits for a 503 whose body contains {@code phrase}; fails with the last body seen. */
  void awaitNotReadyBecause(String phrase) {
    AtomicReference<String> last = new AtomicReference<>();
    try {
      Poll.until(20_000, "/health/ready naming \"" + phrase + "\"", () -> {
        try {
          HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort()
              + "/health/ready")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
          last.set(r.statusCode() + " " + r.body());
          return r.statusCode() == 503 && r.body().toLowerCase().contains(phrase);
        } catch (Exception e) {
          return false;
        }
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; last answer: " + last.get(), e);
    }
    assertFalse(last.get().contains(TOKEN));
  }

  static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void restRefusedIsNamed() throws Exception {
    start(Map.of("DISCORD_API_BASE", "http://127.0.0.1:" + closedPort() + "/api/v10"));
    awaitNotReadyBecause("connection refused");
  }

  @Test
  void gatewayRefusedIsNamed() throws Exception {
    start(Map.of("DISCORD_API_BASE", discord.rest.apiBase(), "DISCORD_GATEWAY_URL", "ws://127.0.0.1:" + closedPort()));
    awaitNotReadyBecause("connection refused");
  }

  @Test
  void gatewayTlsFailureIsNamed() throws Exception {
    // The fake gateway speaks plain WebSocket: a wss:// connection to it fails in the TLS handshake.
    start(Map.of("DISCORD_API_BASE", discord.rest.apiBase(), "DISCORD_GATEWAY_URL",
        discord.gateway.url().replace("ws://", "wss://")));
    awaitNotReadyBecause("tls");
  }

  @Test
  void causesAreClassified() {
    assertTrue(Unreachable.describe(new java.net.UnknownHostException("gateway.discord.invalid")).startsWith("name resolution failed"));
    assertTrue(Unreachable.describe(new io.netty.channel.ConnectTimeoutException("connection timed out after 10000 ms: /1.2.3.4:443"))
        .startsWith("timed out"));
    assertTrue(Unreachable.describe(new java.util.concurrent.TimeoutException("The timeout period of 15000ms has been exceeded"))
        .startsWith("timed out"));
    assertTrue(Unreachable.describe(new javax.net.ssl.SSLHandshakeException("PKIX path building failed")).startsWith("TLS failed"));
    assertTrue(Unreachable.describe(new java.net.ConnectException("Connection refused: /127.0.0.1:1")).startsWith("connection refused"));
  }
}
