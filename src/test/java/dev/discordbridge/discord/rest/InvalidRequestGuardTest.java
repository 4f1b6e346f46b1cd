package dev.discordbridge.discord.rest;

import static dev.discordbridge.discord.rest.RestFixtures.CH1;
import static dev.discordbridge.discord.rest.RestFixtures.message;
import static dev.discordbridge.discord.rest.RestFixtures.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.BusFailure;
import dev.discordbridge.discord.DiscordRest;
import dev.discordbridge.discord.FakeDiscordRest;
import dev.discordbridge.link.UpstreamException;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InvalidRequestGuardTest {

  @Test
  void onlyDiscordsInvalidStatusesCount() {
    assertTrue(InvalidRequestGuard.isInvalid(401, null));
    assertTrue(InvalidRequestGuard.isInvalid(403, null));
    assertTrue(InvalidRequestGuard.isInvalid(429, "user"));
    assertTrue(InvalidRequestGuard.isInvalid(429, "global"));
    assertFalse(InvalidRequestGuard.isInvalid(429, "shared"));
    assertFalse(InvalidRequestGuard.isInvalid(404, null));
    assertFalse(InvalidRequestGuard.isInvalid(500, null));
  }

  @Test
  void theGuardTripsAtTheThresholdStopsSendingAndHalfOpensLater(Vertx vertx) {
    FakeDiscordRest fake = RestFixtures.fake(vertx);
    RestFixtures.Heard heard = new RestFixtures.Heard();
    DiscordRest rest = new DiscordRest(vertx, options(fake).withGuard(3, 60_000, 700), heard);
    try {
      for (int i = 0; i < 3; i++) {
        fake.nextError(403, 50013, "Missing Permissions");
        assertEquals("DISCORD_50013", rest.execute(message("cmd_" + i, CH1, "x")).await().error().code());
      }
      assertEquals(1, heard.tripped.size(), "tripped once, at the third invalid request");
      assertEquals("OPEN", rest.guard().state());
      var e = assertThrows(UpstreamException.class, () -> rest.execute(message("cmd_blocked", CH1, "x")).await());
      assertEquals(BusFailure.LINK_DOWN, e.failure(), "the caller's queue retries later");
      assertEquals(3, fake.requests().size(), "nothing was sent while open");

      Promise<Void> halfOpen = Promise.promise();
      vertx.setPeriodic(20, id -> {
        if (!rest.guard().blocks()) {
          vertx.cancelTimer(id);
          halfOpen.tryComplete();
        }
      });
      halfOpen.future().await();
      assertTrue(rest.execute(message("cmd_probe", CH1, "x")).await().ok(), "half-open lets a probe through");
      assertEquals("CLOSED", rest.guard().state(), "a valid answer closes the guard");
      assertEquals(1, rest.guard().trips());
    } finally {
      rest.close().await();
      fake.close().await();
    }
  }
}
