package dev.discordbridge.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The hub's optional {@code retryAfterMs}, in every form it may come in (issue 19 item 1: JSON null threw). */
class HubAttemptsTest {
  @Test
  void theWaitAskedForCountsOnlyWhenItIsANumber() {
    assertEquals(0, HubAttempts.waitAsked(new JsonObject().put("code", "BUSY")));
    assertEquals(0, HubAttempts.waitAsked(new JsonObject().put("code", "BUSY").putNull("retryAfterMs")));
    assertEquals(0, HubAttempts.waitAsked(new JsonObject().put("retryAfterMs", "soon")));
    assertEquals(0, HubAttempts.waitAsked(new JsonObject().put("retryAfterMs", -5)));
    assertEquals(1500, HubAttempts.waitAsked(new JsonObject().put("retryAfterMs", 1500)));
    assertEquals(1500, HubAttempts.waitAsked(new JsonObject().put("retryAfterMs", 1500.7)));
  }

  @Test
  void aRetryableAttemptWithoutAnErrorStillHasOne() {
    HubAttempts.Attempt a = HubAttempts.Attempt.retryable(new JsonObject().put("code", "BUSY").putNull("retryAfterMs"));
    assertEquals(0, a.retryAfterMs());
    assertEquals("INTERNAL", HubAttempts.Attempt.retryable(null).error().getString("code"));
  }
}
