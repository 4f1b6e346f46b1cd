package dev.discordbridge.discord;

import static dev.discordbridge.discord.rest.RestFixtures.CH1;
import static dev.discordbridge.discord.rest.RestFixtures.GUILD;
import static dev.discordbridge.discord.rest.RestFixtures.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.UpstreamAck;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.discord.rest.DiscordErrors;
import dev.discordbridge.discord.rest.RestFixtures;
import dev.discordbridge.discord.rest.RestNonce;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A retry that comes after Discord's nonce window (a lost answer, then a breaker pause or a
 * restart) must not post a second message: the fake de-duplicates by nonce only within its
 * window, as Discord does, and here that window has passed.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LateRetryTest {
  private static final long LATE = DiscordRest.NONCE_WINDOW_MS + 60_000;
  private FakeDiscordRest fake;
  private DiscordRest rest;

  @BeforeEach
  void start(Vertx vertx) {
    fake = RestFixtures.fake(vertx).nonceWindow(0); // Discord's window is over by the time the retry comes
    rest = new DiscordRest(vertx, options(fake), new RestFixtures.Heard());
  }

  @AfterEach
  void stop() {
    rest.close().await();
    fake.close().await();
  }

  static GatewayCommand message(String id, String content, long requestedAt) {
    return new GatewayCommand(id, GatewayCommand.SEND_MESSAGE, GUILD, CH1, "1098764523409876482",
        new JsonObject().put("content", content), "4bf92f3577b34da6a3ce929d0e0e4736", requestedAt);
  }

  @Test
  void aLostAnswerRetriedPastTheNonceWindowIsFoundInTheChannelAndNotPostedAgain() {
    GatewayCommand c = message("cmd_late", "posted once", System.currentTimeMillis() - LATE);
    fake.nextDropAfterCommit(0);
    UpstreamAck first = rest.execute(c).await();
    assertFalse(first.ok(), "the answer was lost: " + first);
    assertTrue(first.error().retryable());
    assertEquals(1, fake.messages().size());

    UpstreamAck retry = rest.execute(c).await();
    assertTrue(retry.ok(), String.valueOf(retry));
    assertEquals(1, fake.messages().size(), "the retry posted again: " + fake.messages());
    assertEquals(fake.messages().get(0).getString("id"), retry.result().getString("messageId"));
  }

  @Test
  void theSameTextByAnotherCommandIsNotTakenForThisOne() {
    long late = System.currentTimeMillis() - LATE;
    assertTrue(rest.execute(message("cmd_a", "same words", late)).await().ok());
    UpstreamAck b = rest.execute(message("cmd_b", "same words", late)).await();
    assertTrue(b.ok(), String.valueOf(b));
    assertEquals(2, fake.messages().size(), "the second command's message was posted");
    assertFalse(fake.messages().get(0).getString("id").equals(b.result().getString("messageId")));
  }

  @Test
  void aLateFirstAttemptLooksThenPosts() {
    UpstreamAck ack = rest.execute(message("cmd_first", "first and late", System.currentTimeMillis() - LATE)).await();
    assertTrue(ack.ok(), String.valueOf(ack));
    assertEquals(1, fake.messages().size());
    assertEquals(1, fake.requests("GET", "/channels/" + CH1 + "/messages").size(), "one look before sending");
  }

  @Test
  void aChannelTooBusyToTellIsNotPostedAgainButRefused(Vertx vertx) {
    fake.unlimited(FakeDiscordRest.MESSAGES).globalLimit(100_000);
    DiscordRest fast = new DiscordRest(vertx, options(fake).withLimits(100_000, 30_000), new RestFixtures.Heard());
    try {
      int busy = DeliveryCheck.MAX_PAGES * 100 + 1;
      java.util.List<io.vertx.core.Future<UpstreamAck>> others = new java.util.ArrayList<>();
      for (int i = 0; i < busy; i++) {
        others.add(fast.execute(message("cmd_busy_" + i, "other " + i, System.currentTimeMillis())));
      }
      io.vertx.core.Future.all(others).await();
      UpstreamAck ack = fast.execute(message("cmd_unsure", "lost in the crowd", System.currentTimeMillis() - LATE)).await();
      assertFalse(ack.ok());
      assertEquals(DiscordErrors.UNCONFIRMED, ack.error().code());
      assertFalse(ack.error().retryable());
      assertEquals(busy, fake.messages().size(), "not posted: it may have been, and a second post is worse");
      assertEquals(DeliveryCheck.MAX_PAGES, fake.requests("GET", "/channels/" + CH1 + "/messages").size());
    } finally {
      fast.close().await();
    }
  }

  @Test
  void anEchoMakesARetryDeliveredWithoutAnyRequest() {
    GatewayCommand c = message("cmd_echoed", "seen on the gateway", System.currentTimeMillis());
    rest.observe(new dev.discordbridge.bus.MessageEcho(RestNonce.of(c.id()), GUILD, CH1, "1181471853712139999"));
    UpstreamAck ack = rest.execute(c).await();
    assertTrue(ack.ok());
    assertEquals("1181471853712139999", ack.result().getString("messageId"));
    assertTrue(fake.requests("POST", "/messages").isEmpty());
  }
}
