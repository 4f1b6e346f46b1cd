package dev.discordbridge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.discordbridge.bus.CommandOutcome.Code;
import dev.discordbridge.bus.CommandOutcome.FieldProblem;
import dev.discordbridge.bus.CommandOutcome.Refusal;
import dev.discordbridge.bus.CommandOutcome;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one mapping of command outcomes to HTTP: the status table of contract section 3. */
class CommandAnswersTest {

  private static CommandAnswers.HttpAnswer refused(Code code, Long retryAfterMs) {
    return CommandAnswers.of(CommandOutcome.refused(new Refusal(code, "m", null, null, null, retryAfterMs, null, null)));
  }

  @Test
  void everyCodeHasItsStatus() {
    Map<Code, Integer> table = Map.ofEntries(Map.entry(Code.VALIDATION_FAILED, 400), Map.entry(Code.UNAUTHENTICATED, 401),
        Map.entry(Code.FORBIDDEN, 403), Map.entry(Code.UNKNOWN_COMMAND, 404), Map.entry(Code.IDEMPOTENCY_IN_PROGRESS, 409),
        Map.entry(Code.RATE_LIMITED, 429), Map.entry(Code.INTERNAL, 500), Map.entry(Code.UPSTREAM_REJECTED, 502),
        Map.entry(Code.QUEUE_SATURATED, 503), Map.entry(Code.SHUTTING_DOWN, 503), Map.entry(Code.SERVICE_UNAVAILABLE, 503));
    assertEquals(Code.values().length, table.size());
    table.forEach((code, status) -> assertEquals(status, refused(code, null).status(), code.name()));
  }

  @Test
  void deliveredAndQueuedBodies() {
    var delivered = CommandAnswers.of(CommandOutcome.delivered("cmd_1", null));
    assertEquals(200, delivered.status());
    assertEquals(new JsonObject().put("commandId", "cmd_1").put("status", "delivered").put("result", new JsonObject()),
        delivered.body());
    var replayed = CommandAnswers.of(CommandOutcome.queued("cmd_2").asReplay());
    assertEquals(202, replayed.status());
    assertEquals(Map.of("Idempotent-Replayed", "true"), replayed.headers());
  }

  @Test
  void retryAfterIsWholeSecondsRoundedUpAndInTheBodyOnlyWhereTheContractSaysSo() {
    var limited = refused(Code.RATE_LIMITED, 1_001L);
    assertEquals("2", limited.headers().get("Retry-After"));
    assertEquals(1_001L, limited.body().getJsonObject("error").getLong("retryAfterMs"));
    var unavailable = refused(Code.SERVICE_UNAVAILABLE, 1_000L);
    assertEquals("1", unavailable.headers().get("Retry-After"));
    assertNull(unavailable.body().getJsonObject("error").getValue("retryAfterMs"));
    assertNull(refused(Code.FORBIDDEN, null).headers().get("Retry-After"));
  }

  @Test
  void errorFieldsKeepTheContractsOrder() {
    var invalid = CommandAnswers.of(CommandOutcome.refused(new Refusal(Code.VALIDATION_FAILED, "bad",
        List.of(new FieldProblem("content", "too long")), null, null, null, null, null)));
    assertEquals(List.of("code", "message", "fields"), List.copyOf(invalid.body().getJsonObject("error").fieldNames()));
    var upstream = CommandAnswers.of(CommandOutcome.refused(new Refusal(Code.UPSTREAM_REJECTED, "no", null, "cmd_3",
        null, null, "MISSING_PERMISSIONS", "retries_exhausted")));
    assertEquals(List.of("code", "message", "commandId", "upstreamCode", "reason"),
        List.copyOf(upstream.body().getJsonObject("error").fieldNames()));
  }
}
