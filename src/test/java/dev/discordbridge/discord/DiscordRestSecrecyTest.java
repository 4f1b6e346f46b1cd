package dev.discordbridge.discord;

import static dev.discordbridge.discord.rest.RestFixtures.CH1;
import static dev.discordbridge.discord.rest.RestFixtures.TOKEN;
import static dev.discordbridge.discord.rest.RestFixtures.message;
import static dev.discordbridge.discord.rest.RestFixtures.options;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.discordbridge.bus.UpstreamAck;
import dev.discordbridge.discord.rest.RestFixtures;
import dev.discordbridge.discord.rest.RestOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** The bot token appears in no log line, exception message, ack or toString, whatever goes wrong. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DiscordRestSecrecyTest {

  @Test
  void theTokenNeverLeaks(Vertx vertx) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    List<String> seen = new ArrayList<>();
    FakeDiscordRest fake = RestFixtures.fake(vertx);
    DiscordRest rest = new DiscordRest(vertx, options(fake).withTimeouts(1_000, 300).withGuard(2, 60_000, 60_000),
        new RestFixtures.Heard());
    DiscordRest nowhere = new DiscordRest(vertx, RestOptions.of(URI.create("http://127.0.0.1:1/api/v10"), TOKEN, dev.discordbridge.discord.rest.RestFixtures.USER_AGENT_URL)
        .withTimeouts(500, 500), new RestFixtures.Heard());
    FakeDiscordRest other = new FakeDiscordRest(vertx, "another-token");
    other.start().await();
    DiscordRest refused = new DiscordRest(vertx, RestOptions.of(other.apiBaseUri(), TOKEN, dev.discordbridge.discord.rest.RestFixtures.USER_AGENT_URL), new RestFixtures.Heard());
    try {
      fake.nextErrorAfterCommit(500);
      seen.add(outcome(rest.execute(message("a", CH1, "x"))));
      fake.delayNext(800);
      seen.add(outcome(rest.execute(message("b", CH1, "x"))));
      fake.nextError(403, 50013, "Missing Permissions");
      seen.add(outcome(rest.execute(message("c", CH1, "x"))));
      fake.next429("user", 50);
      seen.add(outcome(rest.execute(message("d", CH1, "x")))); // the second invalid request trips the guard
      seen.add(outcome(rest.execute(message("e", CH1, "x"))));
      seen.add(outcome(nowhere.execute(message("f", CH1, "x"))));
      seen.add(outcome(nowhere.gatewayBot()));
      seen.add(outcome(refused.execute(message("g", CH1, "x"))));
      seen.add(outcome(refused.gatewayBot()));
      seen.add(rest.toString());
      seen.add(rest.status().encode());
    } finally {
      root.detachAppender(logs);
      rest.close().await();
      nowhere.close().await();
      refused.close().await();
      fake.close().await();
      other.close().await();
    }
    for (ILoggingEvent e : logs.list) {
      seen.add(e.getFormattedMessage());
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        seen.add(t.getClassName() + ": " + t.getMessage());
      }
    }
    assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("401")), "the 401 was logged");
    assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("guard")), "the trip was logged");
    for (String s : seen) {
      assertFalse(s.contains(TOKEN) || s.contains("secret-bot-token"), "the token leaked: " + s);
    }
  }

  @Test
  void aWebhooksTokenNeverLeaks(Vertx vertx) {
    dev.discordbridge.bus.BusCodecs.register(vertx.eventBus()); // the WebhookPost it publishes
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    List<String> seen = new ArrayList<>();
    FakeDiscordRest fake = RestFixtures.fake(vertx);
    DiscordRest rest = new DiscordRest(vertx, options(fake).withTimeouts(1_000, 300), new RestFixtures.Heard())
        .withAttribution(dev.discordbridge.config.Attribution.WEBHOOK);
    try {
      seen.add(outcome(rest.execute(message("a", CH1, "x"))));
      fake.nextErrorAfterCommit(500);
      seen.add(outcome(rest.execute(message("b", CH1, "y"))));
      fake.next429("user", 50);
      seen.add(outcome(rest.execute(message("c", CH1, "z"))));
      fake.webhooks.hooks().forEach(h -> fake.webhooks.delete(h.id()));
      seen.add(outcome(rest.execute(message("d", CH1, "w")))); // 10015, then a new webhook
      fake.nextError(400, 50035, "Invalid Form Body");
      seen.add(outcome(rest.execute(message("e", CH1, "v"))));
      seen.add(rest.toString());
      seen.add(rest.status().encode());
    } finally {
      root.detachAppender(logs);
      rest.close().await();
      fake.close().await();
    }
    for (ILoggingEvent e : logs.list) {
      seen.add(e.getFormattedMessage());
      for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
        seen.add(t.getClassName() + ": " + t.getMessage());
      }
    }
    assertTrue(fake.webhooks.createdCount() >= 2, "the webhook was made again: " + seen);
    assertTrue(logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains("/webhooks/")), "executions were logged");
    for (String s : seen) {
      assertFalse(s.contains("-secret") || s.contains(TOKEN), "a token leaked: " + s);
    }
  }

  private static String outcome(Future<?> f) {
    try {
      Object r = f.await();
      return r instanceof UpstreamAck a ? a.toString() + (a.ok() ? a.result().encode() : a.error().toJson().encode())
          : String.valueOf(r);
    } catch (Throwable t) {
      return t.getClass().getName() + ": " + t.getMessage();
    }
  }
}
