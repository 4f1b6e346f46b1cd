package dev.discordbridge.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

  /** An attempt always reaches an outcome, whatever the attempt does. */
  @Test
  void aBoundedAttemptAlwaysEndsAndNeverFails() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      List<Throwable> errors = new ArrayList<>();
      long started = System.nanoTime();
      HubAttempts.Attempt never = HubAttempts.bounded(vertx, () -> Promise.<HubAttempts.Attempt>promise().future(), 200,
          errors::add).await(5, TimeUnit.SECONDS);
      assertEquals("TIMEOUT", never.error().getString("code"), "a future that never completes is timed out");
      assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) >= 190);

      HubAttempts.Attempt thrown = HubAttempts.bounded(vertx, () -> {
        throw new NullPointerException("inside the attempt");
      }, 5_000, errors::add).await(5, TimeUnit.SECONDS);
      assertEquals(HubAttempts.Kind.RETRYABLE, thrown.kind());
      assertEquals("INTERNAL", thrown.error().getString("code"));

      HubAttempts.Attempt failed = HubAttempts.bounded(vertx, () -> Future.failedFuture(new IllegalStateException("x")), 5_000,
          errors::add).await(5, TimeUnit.SECONDS);
      assertEquals("INTERNAL", failed.error().getString("code"));
      assertEquals(2, errors.size(), "each exception reported once: " + errors);

      HubAttempts.Attempt ok = HubAttempts.bounded(vertx, () -> Future.succeededFuture(
          HubAttempts.Attempt.delivered(new JsonObject())), 5_000, errors::add).await(5, TimeUnit.SECONDS);
      assertEquals(HubAttempts.Kind.DELIVERED, ok.kind());
    } finally {
      vertx.close().await();
    }
  }
}
