package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.auth.Profile;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DISCORD_ATTRIBUTION against the fake Discord, through a whole node: the webhook's lifecycle
 * (created once per channel and reused, recreated after a deletion, a thread through its parent's),
 * the fallback to prefix without MANAGE_WEBHOOKS, a lost answer then a retry posting once, and
 * the webhook's own message on the stream as the web user's.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DirectAttributionTest {
  static final String TOKEN = "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.direct-attribution-token";
  static final String GUILD = "1181471853712130048";
  static final String TEXT = "1181471853712130052";
  static final String OTHER_TEXT = "1181471853712130053";
  static final String THREAD = "1181471853712130070";
  static final String USER = "1181471853712130199";
  static final String AVATAR = "0123456789abcdef0123456789abcdef";
  FakeDiscord discord;
  DirectNode direct;

  @BeforeEach
  void setUp() {
    direct = DirectNode.fake(TOKEN);
    discord = direct.discord;
    discord.guild(GUILD, List.of(TEXT, OTHER_TEXT), List.<String[]>of(new String[] {THREAD, TEXT}));
  }

  @AfterEach
  void tearDown() {
    direct.close();
  }

  void startNode(String attribution, Map<String, String> extra) throws Exception {
    Map<String, String> settings = new java.util.HashMap<>(Map.of("DISCORD_ATTRIBUTION", attribution));
    settings.putAll(extra);
    direct.start("attribution", settings);
    direct.awaitReady(200);
  }

  String base() {
    return direct.base();
  }

  /** A signed-in user's token: display name "Ana *B*" and an avatar. */
  String token() {
    return direct.mint(USER, List.of(GUILD), Profile.claims("ana", "Ana *B*", AVATAR));
  }

  HttpResponse<String> send(String channel, String content) throws Exception {
    return direct.post("/api/commands/sendMessage", token(),
        new JsonObject().put("guildId", GUILD).put("channelId", channel).put("content", content), Duration.ofSeconds(30));
  }

  List<FakeDiscordRest.Recorded> executions() {
    return discord.rest.requests("POST", "/webhooks/");
  }

  @Test
  void aWebhookIsCreatedOncePerChannelAndPostsUnderTheSendersNameAndFace() throws Exception {
    startNode("webhook", Map.of());
    SseClient stream = direct.stream("/api/stream?guild=" + GUILD, token(), null);
    HttpResponse<String> first = send(TEXT, "@everyone hello");
    assertEquals(200, first.statusCode(), first.body());
    assertEquals(200, send(TEXT, "again").statusCode());
    assertEquals(1, discord.rest.webhooks.createdCount(), "one webhook for the channel");
    assertEquals("Bridge", discord.rest.webhooks.hooks().get(0).name());
    assertEquals(2, executions().size());
    JsonObject body = executions().get(0).body();
    assertEquals("Ana *B*", body.getString("username"));
    assertEquals("https://cdn.discordapp.com/avatars/" + USER + "/" + AVATAR + ".png", body.getString("avatar_url"));
    assertEquals(new JsonObject().put("parse", new JsonArray()), body.getJsonObject("allowed_mentions"));
    assertTrue(discord.rest.requests("POST", "/channels/" + TEXT + "/messages").isEmpty(), "the bot posted itself");
    assertEquals(new JsonObject(first.body()).getJsonObject("result").getString("messageId"),
        discord.rest.messages().get(0).getString("id"));
    // The webhook's message comes back from the gateway as the web user's.
    SseClient.Event echoed = stream.next("messageCreate", 10_000);
    assertNotNull(echoed);
    JsonObject author = echoed.json().getJsonObject("data").getJsonObject("author");
    assertEquals(USER, author.getString("id"), author.encode());
    assertEquals("Ana *B*", author.getString("displayName"));
    assertEquals("https://cdn.discordapp.com/avatars/" + USER + "/" + AVATAR + ".png", author.getString("avatarUrl"));
    // A thread posts through its parent's webhook with thread_id.
    assertEquals(200, send(THREAD, "in a thread").statusCode());
    assertEquals(1, discord.rest.webhooks.createdCount());
    assertTrue(discord.rest.requests().stream().anyMatch(r -> r.path().startsWith("/api/v10/webhooks/")),
        "no execution");
    assertEquals(THREAD, discord.rest.messages().get(2).getString("channel_id"));
  }

  @Test
  void theBridgesOwnWebhookIsReusedAndADeletedOneIsRecreated() throws Exception {
    discord.rest.webhooks.foreign(TEXT, "Bridge", () -> 1181471853712199001L); // someone else's: not ours
    startNode("webhook", Map.of());
    assertEquals(200, send(TEXT, "one").statusCode());
    assertEquals(1, discord.rest.webhooks.createdCount());
    String ours = discord.rest.webhooks.hooks().get(1).id();
    discord.rest.webhooks.delete(ours);
    HttpResponse<String> after = send(TEXT, "two");
    assertEquals(200, after.statusCode(), after.body());
    assertEquals(2, discord.rest.webhooks.createdCount(), "recreated after 10015");
    assertEquals(List.of("one", "two"), discord.rest.messages().stream().map(m -> m.getString("content")).toList());
  }

  @Test
  void withoutManageWebhooksTheChannelFallsBackToPrefix() throws Exception {
    discord.rest.webhooks.manageWebhooks(TEXT, false);
    startNode("webhook", Map.of());
    assertEquals(200, send(TEXT, "hi").statusCode());
    assertEquals(200, send(TEXT, "hi again").statusCode());
    var posts = discord.rest.requests("POST", "/channels/" + TEXT + "/messages");
    assertEquals(List.of("**Ana \\*B\\***: hi", "**Ana \\*B\\***: hi again"),
        posts.stream().map(r -> r.body().getString("content")).toList());
    assertEquals(1, discord.rest.requests("GET", "/channels/" + TEXT + "/webhooks").size(), "asked once per channel");
    // Another channel still gets its webhook.
    assertEquals(200, send(OTHER_TEXT, "elsewhere").statusCode());
    assertEquals(1, discord.rest.webhooks.createdCount());
  }

  @Test
  void webhookRateLimitsAreLearntFromDiscordsHeaders() throws Exception {
    discord.rest.limit(FakeDiscordWebhooks.EXECUTE, 2, 1_500, "webhook-bucket");
    startNode("webhook", Map.of("COMMAND_ACK_WAIT_MS", "10000"));
    long started = System.currentTimeMillis();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = send(TEXT, "burst " + i);
      assertEquals(200, r.statusCode(), r.body());
    }
    long took = System.currentTimeMillis() - started;
    assertEquals(5, executions().size());
    assertEquals(0, discord.rest.rateLimited("webhook-bucket"), "the bridge ran into the webhook's 429");
    assertTrue(took >= 2_500, "waited for the bucket to refill, took " + took + " ms");
    System.out.println("5 webhook posts through a 2/1.5s bucket: " + took + " ms, 429s: 0");
  }

  @Test
  void prefixModePostsTheNameInBoldByTheBot() throws Exception {
    startNode("prefix", Map.of());
    assertEquals(200, send(TEXT, "hello").statusCode());
    assertEquals("**Ana \\*B\\***: hello", discord.rest.messages().get(0).getString("content"));
    assertTrue(discord.rest.requests().stream().noneMatch(r -> r.path().contains("webhooks")));
  }

  @Test
  void aLostAnswerThenARetryPostsOnce() throws Exception {
    startNode("webhook", Map.of("COMMAND_ACK_WAIT_MS", "20000"));
    assertEquals(200, send(TEXT, "warm up").statusCode()); // the webhook exists
    discord.rest.nextDropAfterCommit(500); // posted, echoed on the gateway, then the answer is lost
    HttpResponse<String> sent = send(TEXT, "exactly once");
    assertEquals(200, sent.statusCode(), sent.body());
    assertEquals(List.of("warm up", "exactly once"), discord.rest.messages().stream().map(m -> m.getString("content")).toList());
    assertEquals(discord.rest.messages().get(1).getString("id"),
        new JsonObject(sent.body()).getJsonObject("result").getString("messageId"));
  }

  @Test
  void aLostAnswerWithoutItsEchoIsFoundInTheChannelBeforeAResend() throws Exception {
    startNode("webhook", Map.of("COMMAND_ACK_WAIT_MS", "20000"));
    assertEquals(200, send(TEXT, "warm up").statusCode());
    discord.echoes(false);
    discord.rest.nextDropAfterCommit(500);
    HttpResponse<String> sent = send(TEXT, "still once");
    assertEquals(200, sent.statusCode(), sent.body());
    assertEquals(List.of("warm up", "still once"), discord.rest.messages().stream().map(m -> m.getString("content")).toList());
    assertFalse(discord.rest.requests("GET", "/channels/" + TEXT + "/messages").isEmpty(), "the channel was not read");
  }
}
