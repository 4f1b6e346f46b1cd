package dev.discordbridge.edge;

import dev.discordbridge.bus.CommandOutcome.Refusal;
import dev.discordbridge.bus.CommandOutcome;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place a {@link CommandOutcome} becomes HTTP (contract section 3): status, headers
 * ({@code Retry-After} in whole seconds, {@code Idempotent-Replayed}) and body.
 */
public final class CommandAnswers {
  private CommandAnswers() {}

  /** An HTTP answer before it is written; public so the dispatcher's tests read the status table. */
  public record HttpAnswer(int status, Map<String, String> headers, JsonObject body) {
    public HttpAnswer {
      headers = Map.copyOf(headers);
    }
  }

  public static HttpAnswer of(CommandOutcome o) {
    Map<String, String> headers = new LinkedHashMap<>();
    int status;
    JsonObject body;
    switch (o.status()) {
      case DELIVERED -> {
        status = 200;
        body = new JsonObject().put("commandId", o.commandId()).put("status", "delivered").put("result", o.result());
      }
      case QUEUED -> {
        status = 202;
        body = new JsonObject().put("commandId", o.commandId()).put("status", "queued");
      }
      default -> {
        Refusal r = o.refusal();
        status = status(r.code());
        if (r.retryAfterMs() != null) {
          headers.put("Retry-After", String.valueOf(seconds(r.retryAfterMs())));
        }
        body = HttpErrors.body(error(r));
      }
    }
    if (o.replayed()) {
      headers.put("Idempotent-Replayed", "true");
    }
    return new HttpAnswer(status, headers, body);
  }

  static int status(CommandOutcome.Code code) {
    return switch (code) {
      case VALIDATION_FAILED -> 400;
      case UNAUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case UNKNOWN_COMMAND -> 404;
      case IDEMPOTENCY_IN_PROGRESS -> 409;
      case RATE_LIMITED -> 429;
      case INTERNAL -> 500;
      case UPSTREAM_REJECTED -> 502;
      case QUEUE_SATURATED, SHUTTING_DOWN, SERVICE_UNAVAILABLE -> 503;
    };
  }

  /** The error object: code and message, then the details this code carries, in the contract's order. */
  private static JsonObject error(Refusal r) {
    JsonObject e = HttpErrors.error(r.code().name(), r.message());
    if (r.fields() != null) {
      var list = new JsonArray();
      r.fields().forEach(f -> list.add(new JsonObject().put("field", f.field()).put("message", f.message())));
      e.put("fields", list);
    }
    putIfSet(e, "commandId", r.commandId());
    putIfSet(e, "scope", r.scope());
    if (r.retryAfterMs() != null && retryAfterInBody(r.code())) {
      e.put("retryAfterMs", r.retryAfterMs());
    }
    putIfSet(e, "upstreamCode", r.upstreamCode());
    putIfSet(e, "reason", r.reason());
    putIfSet(e, "permission", r.permission());
    return e;
  }

  private static boolean retryAfterInBody(CommandOutcome.Code code) {
    return code == CommandOutcome.Code.RATE_LIMITED || code == CommandOutcome.Code.QUEUE_SATURATED
        || code == CommandOutcome.Code.SHUTTING_DOWN;
  }

  private static void putIfSet(JsonObject e, String name, Object value) {
    if (value != null) {
      e.put(name, value);
    }
  }

  /** Retry-After is whole seconds, rounded up (never 0 for a positive wait). */
  static long seconds(long ms) {
    return Math.max(1, (ms + 999) / 1000);
  }
}
