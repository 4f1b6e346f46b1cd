package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.discordbridge.app.Node;
import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 19 item 1 in direct mode, a whole node in process against the fake Discord over real
 * HTTP: one 500 or 503 on create message is retried, the message is created once, and the
 * channel's next command goes through.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DirectCommandRetryTest {
  static final String TOKEN = "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.direct-retry-test-token";
  static final String SECRET = "direct-retry-secret-0123456789abcdef-0123";
  static final String GUILD = "1181471853712130048";
  static final String TEXT = "1181471853712130052";
  static final String USER = "1181471853712130199";
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  Vertx vertx;
  FakeDiscord discord;
  Node node;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    discord = FakeDiscord.start(vertx, TOKEN, 1, 1).await();
    discord.gateway.heartbeatIntervalMs(500);
    discord.guild(GUILD, List.of(TEXT), List.of());   // its GUILD_CREATE lists the channel: commands to it pass the channel check
    JsonObject settings = new JsonObject().put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", "0")
        .put("AUTH_JWT_SECRET", SECRET).put("LINK_BACKOFF_BASE_MS", "50").put("LINK_BACKOFF_MAX_MS", "500")
        .put("COMMAND_JOURNAL_DIR", Files.createTempDirectory("direct-retry-journal").toString())
        .put("COMMAND_ACK_WAIT_MS", "4000").put("COMMAND_BACKOFF_BASE_MS", "50").put("COMMAND_BACKOFF_MAX_MS", "200")
        .put("NODE_ID", "direct-retry-" + System.nanoTime());
    discord.settings(TOKEN).forEach(settings::put);
    node = Node.start(java.util.Map.of(), settings).await();
    Poll.until(20_000, "/health/ready 200", () -> {
      try {
        return get("/health/ready").statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    });
  }

  @AfterEach
  void tearDown() {
    if (node != null) {
      node.stop().await();
    }
    discord.stop().await();
    vertx.close().await();
  }

  String token() {
    return new Authenticator(node.vertx(), node.config().auth()).mint(USER, List.of(GUILD), 3_600);
  }

  HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String content) throws Exception {
    JsonObject body = new JsonObject().put("guildId", GUILD).put("channelId", TEXT).put("content", content);
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/api/commands/sendMessage"))
        .header("Authorization", "Bearer " + token()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 503})
  void oneServerErrorOnCreateIsRetriedAndTheMessageIsCreatedOnce(int status) throws Exception {
    discord.rest.nextError(status, 0, "Server Error");
    HttpResponse<String> first = send("after a " + status);
    assertEquals(200, first.statusCode(), "delivered by the retry: " + first.body());
    var posts = discord.rest.requests("POST", "/channels/" + TEXT + "/messages");
    assertEquals(List.of(status, 200), posts.stream().map(FakeDiscordRest.Recorded::status).toList());
    assertEquals(1, discord.rest.messages().stream().filter(m -> ("after a " + status).equals(m.getString("content"))).count(),
        "created once");

    HttpResponse<String> second = send("next in the channel");
    assertEquals(200, second.statusCode(), "the channel is not frozen: " + second.body());
  }
}
