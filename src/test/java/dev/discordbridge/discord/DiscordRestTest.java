package dev.discordbridge.discord;

import static dev.discordbridge.discord.rest.RestFixtures.CH1;
import static dev.discordbridge.discord.rest.RestFixtures.CH2;
import static dev.discordbridge.discord.rest.RestFixtures.MSG;
import static dev.discordbridge.discord.rest.RestFixtures.TOKEN;
import static dev.discordbridge.discord.rest.RestFixtures.message;
import static dev.discordbridge.discord.rest.RestFixtures.options;
import static dev.discordbridge.discord.rest.RestFixtures.reaction;
import static dev.discordbridge.discord.rest.RestFixtures.typing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.BusFailure;
import dev.discordbridge.bus.UpstreamAck;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.discord.FakeDiscordRest.Recorded;
import dev.discordbridge.discord.rest.DiscordErrors;
import dev.discordbridge.discord.rest.GatewayBot;
import dev.discordbridge.discord.rest.RestFixtures;
import dev.discordbridge.discord.rest.RestNonce;
import dev.discordbridge.discord.rest.RestOptions;
import dev.discordbridge.link.UpstreamException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Commands to Discord requests and Discord's answers to acks, against the fake Discord. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DiscordRestTest {
  private FakeDiscordRest fake;
  private DiscordRest rest;
  private final RestFixtures.Heard heard = new RestFixtures.Heard();

  @BeforeEach
  void start(Vertx vertx) {
    fake = RestFixtures.fake(vertx);
    rest = new DiscordRest(vertx, options(fake).withTypingDebounceMs(1_000), heard);
  }

  @AfterEach
  void stop() {
    rest.close().await();
    fake.close().await();
  }

  @Test
  void gatewayBotIsParsedAndTheRequestCarriesTheBotTokenAndUserAgent() {
    fake.gatewayBot("wss://gateway.example.test", 3, new JsonObject().put("total", 1000).put("remaining", 998)
        .put("reset_after", 14_399_000).put("max_concurrency", 16));
    GatewayBot bot = rest.gatewayBot().await();
    assertEquals("wss://gateway.example.test", bot.url());
    assertEquals(3, bot.shards());
    assertEquals(new GatewayBot.SessionStartLimit(1000, 998, 14_399_000, 16), bot.sessionStartLimit());
    Recorded r = fake.requests().get(0);
    assertEquals("GET", r.method());
    assertEquals("/api/v10/gateway/bot", r.path());
    assertEquals("Bot " + TOKEN, r.headers().get("Authorization"));
    assertTrue(r.headers().get("User-Agent").matches("DiscordBot \\(.+, .+\\)"), r.headers().get("User-Agent"));
  }

  @Test
  void aMessageNeverPingsAndCarriesADeterministicNonce() {
    UpstreamAck ack = rest.execute(message("cmd_one", CH1, "hi @everyone")).await();
    assertTrue(ack.ok());
    JsonObject created = fake.messages().get(0);
    assertEquals(created.getString("id"), ack.result().getString("messageId"));
    JsonObject body = fake.requests("POST", "/messages").get(0).body();
    assertEquals("hi @everyone", body.getString("content"));
    assertEquals(new JsonObject().put("parse", new JsonArray()), body.getJsonObject("allowed_mentions"));
    assertEquals(RestNonce.of("cmd_one"), body.getString("nonce"));
    assertTrue(body.getBoolean("enforce_nonce"));
    assertFalse(body.containsKey("message_reference"));
  }

  @Test
  void replyToBecomesAMessageReference() {
    var data = new JsonObject().put("content", "answer").put("replyTo", MSG);
    assertTrue(rest.execute(RestFixtures.command("cmd_r", GatewayCommand.SEND_MESSAGE, CH1, data)).await().ok());
    JsonObject ref = fake.requests("POST", "/messages").get(0).body().getJsonObject("message_reference");
    assertEquals(new JsonObject().put("message_id", MSG).put("fail_if_not_exists", false), ref);
  }

  @Test
  void theSameCommandIdWhileRunningJoinsTheFirstExecution() {
    GatewayCommand c = message("cmd_twice", CH1, "once");
    Future<UpstreamAck> a = rest.execute(c);
    Future<UpstreamAck> b = rest.execute(c);
    assertEquals(a.await(), b.await());
    assertEquals(1, fake.requests("POST", "/messages").size(), "one request for both");
    assertEquals(1, fake.messages().size());
  }

  @Test
  void aRetryAfterA5xxCarriesTheSameNonceAndYieldsTheSameMessage() {
    fake.nextErrorAfterCommit(500);
    UpstreamAck first = rest.execute(message("cmd_5xx", CH1, "hello")).await();
    assertFalse(first.ok());
    assertEquals(DiscordErrors.UNAVAILABLE, first.error().code());
    assertTrue(first.error().retryable());

    UpstreamAck retry = rest.execute(message("cmd_5xx", CH1, "hello")).await();
    assertTrue(retry.ok());
    List<Recorded> posts = fake.requests("POST", "/messages");
    assertEquals(2, posts.size());
    assertEquals(posts.get(0).body().getString("nonce"), posts.get(1).body().getString("nonce"));
    assertTrue(posts.get(1).body().getBoolean("enforce_nonce"));
    assertEquals(1, fake.messages().size(), "Discord de-duplicated by nonce: no second message");
    assertEquals(fake.messages().get(0).getString("id"), retry.result().getString("messageId"));
  }

  @Test
  void missingPermissionsIsAFinalRefusal() {
    fake.nextError(403, 50013, "Missing Permissions");
    UpstreamAck ack = rest.execute(message("cmd_403", CH1, "hello")).await();
    assertFalse(ack.ok());
    assertEquals("DISCORD_50013", ack.error().code());
    assertEquals("Missing Permissions", ack.error().message());
    assertFalse(ack.error().retryable());
    assertNull(ack.error().retryAfterMs());
    assertEquals(1, rest.guard().invalidCount(), "a 403 counts as an invalid request");
  }

  @Test
  void aClientErrorWithoutACodeIsNamedByItsStatus() {
    fake.nextError(404, 0, "404: Not Found");
    UpstreamAck ack = rest.execute(message("cmd_404", CH1, "hello")).await();
    assertEquals("DISCORD_HTTP_404", ack.error().code());
    assertFalse(ack.error().retryable());
  }

  @Test
  void aRefusedTokenStopsEverything(Vertx vertx) {
    DiscordRest bad = new DiscordRest(vertx, RestOptions.of(fake.apiBaseUri(), "wrong-token", dev.discordbridge.discord.rest.RestFixtures.USER_AGENT_URL), heard);
    try {
      Future<UpstreamAck> first = bad.execute(message("cmd_a", CH1, "one"));
      Future<UpstreamAck> queued = bad.execute(message("cmd_b", CH1, "two"));
      assertLinkDown(first);
      assertLinkDown(queued);
      assertEquals(1, heard.unauthorized.size());
      assertLinkDown(bad.execute(message("cmd_c", CH2, "three")));
      assertLinkDown(bad.execute(typing("cmd_d", CH2)));
      assertThrows(UpstreamException.class, () -> bad.gatewayBot().await());
      assertEquals(1, fake.requests().size(), "nothing was sent after the 401");
      assertEquals(401, fake.requests().get(0).status());
      assertTrue(bad.status().getBoolean("stopped"));
    } finally {
      bad.close().await();
    }
  }

  private static void assertLinkDown(Future<UpstreamAck> f) {
    var e = assertThrows(UpstreamException.class, f::await);
    assertEquals(BusFailure.LINK_DOWN, e.failure());
  }

  @Test
  void reactionsEncodeUnicodeAndCustomEmoji() {
    assertTrue(rest.execute(reaction("cmd_u", CH1, "👍", null)).await().ok());
    assertTrue(rest.execute(reaction("cmd_c", CH1, "party_parrot", "112233445566778899")).await().ok());
    List<Recorded> puts = fake.requests("PUT", "/reactions/");
    assertEquals("/api/v10/channels/" + CH1 + "/messages/" + MSG + "/reactions/%F0%9F%91%8D/@me", puts.get(0).path());
    assertEquals("/api/v10/channels/" + CH1 + "/messages/" + MSG + "/reactions/party_parrot%3A112233445566778899/@me",
        puts.get(1).path());
    assertEquals(List.of(new FakeDiscordRest.Reaction(CH1, MSG, "👍"),
        new FakeDiscordRest.Reaction(CH1, MSG, "party_parrot:112233445566778899")), fake.reactions());
  }

  @Test
  void anUnknownEmojiIsRefusedWith10014() {
    UpstreamAck ack = rest.execute(reaction("cmd_x", CH1, "not an emoji", null)).await();
    assertFalse(ack.ok());
    assertEquals("DISCORD_10014", ack.error().code());
    assertFalse(ack.error().retryable());
  }

  @Test
  void typingIsDebouncedPerChannel() {
    assertTrue(rest.execute(typing("t1", CH1)).await().ok());
    UpstreamAck again = rest.execute(typing("t2", CH1)).await();
    assertTrue(again.ok());
    assertEquals(new JsonObject().put("debounced", true), again.result());
    assertTrue(rest.execute(typing("t3", CH2)).await().ok());
    assertEquals(2, fake.requests("POST", "/typing").size(), "one request per channel within the window");
  }

  @Test
  void aTimeoutIsARetryableRefusal(Vertx vertx) {
    DiscordRest quick = new DiscordRest(vertx, options(fake).withTimeouts(1_000, 300), heard);
    try {
      fake.delayNext(1_500);
      UpstreamAck ack = quick.execute(message("cmd_slow", CH1, "hello")).await();
      assertFalse(ack.ok());
      assertEquals(DiscordErrors.UNAVAILABLE, ack.error().code());
      assertTrue(ack.error().retryable());
    } finally {
      quick.close().await();
    }
  }

  @Test
  void anUnknownCommandOrABadIdIsRefusedWithoutARequest() {
    UpstreamAck unknown = rest.execute(RestFixtures.command("cmd_k", "kick", CH1, new JsonObject())).await();
    assertEquals(DiscordErrors.BAD_COMMAND, unknown.error().code());
    UpstreamAck badChannel = rest.execute(message("cmd_p", "../../users/@me", "x")).await();
    assertEquals(DiscordErrors.BAD_COMMAND, badChannel.error().code());
    var badReply = new JsonObject().put("content", "x").put("replyTo", "1/2");
    assertFalse(rest.execute(RestFixtures.command("cmd_q", GatewayCommand.SEND_MESSAGE, CH1, badReply)).await().ok());
    assertTrue(fake.requests().isEmpty());
  }

  @Test
  void callsFromAnotherThreadRunOnTheClientsContext(Vertx vertx) {
    GatewayCommand c = message("cmd_ctx", CH1, "x");
    Future<UpstreamAck> fromLoop = vertx.getOrCreateContext().<Future<UpstreamAck>>executeBlocking(() -> rest.execute(c))
        .compose(f -> f);
    assertTrue(fromLoop.await().ok());
    assertSame(Boolean.FALSE, rest.status().getBoolean("stopped"));
  }
}
