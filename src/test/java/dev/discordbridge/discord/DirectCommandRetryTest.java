package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
  static final String GUILD = "1181471853712130048";
  static final String TEXT = "1181471853712130052";
  static final String USER = "1181471853712130199";
  FakeDiscord discord;
  DirectNode direct;

  @BeforeEach
  void setUp() throws Exception {
    direct = DirectNode.fake(TOKEN);
    discord = direct.discord;
    discord.guild(GUILD, List.of(TEXT), List.of());   // its GUILD_CREATE lists the channel: commands to it pass the channel check
    direct.start("direct-retry", Map.of("COMMAND_ACK_WAIT_MS", "4000", "COMMAND_BACKOFF_BASE_MS", "50",
        "COMMAND_BACKOFF_MAX_MS", "200"));
    direct.awaitReady(200);
  }

  @AfterEach
  void tearDown() {
    direct.close();
  }

  HttpResponse<String> send(String content) throws Exception {
    return direct.post("/api/commands/sendMessage", direct.mint(USER, List.of(GUILD)),
        new JsonObject().put("guildId", GUILD).put("channelId", TEXT).put("content", content), Duration.ofSeconds(20));
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
