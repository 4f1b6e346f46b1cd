package dev.discordbridge.command;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The answer to a relayed {@code POST /api/commands/{name}}: the edge writes {@code status},
 * {@code headers} and {@code body} exactly (plus {@code X-Trace-Id}). Factories name each outcome
 * of contract section 3 that the dispatcher decides.
 */
public record Reply(int status, JsonObject headers, JsonObject body) {

  public JsonObject toJson() {
    return new JsonObject().put("status", status).put("headers", headers).put("body", body);
  }

  public static Reply fromJson(JsonObject o) {
    return new Reply(o.getInteger("status"), o.getJsonObject("headers", new JsonObject()), o.getJsonObject("body"));
  }

  /** The same reply with one more header. */
  public Reply withHeader(String name, String value) {
    return new Reply(status, headers.copy().put(name, value), body);
  }

  static Reply delivered(String commandId, JsonObject result) {
    return new Reply(200, new JsonObject(), new JsonObject().put("commandId", commandId).put("status", "delivered")
        .put("result", result == null ? new JsonObject() : result));
  }

  static Reply queued(String commandId) {
    return new Reply(202, new JsonObject(), new JsonObject().put("commandId", commandId).put("status", "queued"));
  }

  static Reply invalid(List<FieldError> fields) {
    var list = new JsonArray();
    fields.forEach(f -> list.add(f.toJson()));
    String message = fields.size() == 1
        ? "The request body is invalid: " + fields.get(0).field() + " " + fields.get(0).message() + "."
        : "The request body is invalid: " + fields.size() + " fields have errors.";
    return error(400, "VALIDATION_FAILED", message).withBodyField("fields", list);
  }

  static Reply unauthenticated() {
    return error(401, "UNAUTHENTICATED", "No caller identity came with the request.");
  }

  static Reply forbidden(String guildId) {
    return error(403, "FORBIDDEN", "You may not act in guild " + guildId + ".");
  }

  static Reply unknownCommand(String name) {
    return error(404, "UNKNOWN_COMMAND", "There is no command named \"" + shown(name) + "\"; known: addReaction, sendMessage, typingStart.");
  }

  static Reply inProgress(String commandId) {
    return error(409, "IDEMPOTENCY_IN_PROGRESS", "A request with this Idempotency-Key is still being admitted; retry shortly.")
        .withBodyField("commandId", commandId).withHeader("Retry-After", "1");
  }

  static Reply rateLimited(String scope, long retryAfterMs) {
    String who = "user".equals(scope) ? "You are" : "This channel is";
    return error(429, "RATE_LIMITED", who + " sending commands too fast; retry in " + retryAfterMs + " ms.")
        .withBodyField("scope", scope).withBodyField("retryAfterMs", retryAfterMs)
        .withHeader("Retry-After", String.valueOf(seconds(retryAfterMs)));
  }

  static Reply saturated(long retryAfterMs) {
    return error(503, "QUEUE_SATURATED", "The command queue is full; retry later.")
        .withBodyField("retryAfterMs", retryAfterMs).withHeader("Retry-After", String.valueOf(seconds(retryAfterMs)));
  }

  /** The node is stopping (SIGTERM): retry, another node (or this one, restarted) takes the command. */
  static Reply shuttingDown(long retryAfterMs) {
    return error(503, "SHUTTING_DOWN", "This node is shutting down; retry shortly.")
        .withBodyField("retryAfterMs", retryAfterMs).withHeader("Retry-After", String.valueOf(seconds(retryAfterMs)));
  }

  static Reply unavailable(String message) {
    return error(503, "SERVICE_UNAVAILABLE", message).withHeader("Retry-After", "1");
  }

  /** The hub refused the command (or every attempt failed): 502 with the hub's code. */
  static Reply upstreamRejected(String commandId, JsonObject upstreamError, boolean retriesExhausted) {
    JsonObject e = upstreamError == null ? new JsonObject() : upstreamError;
    String message = retriesExhausted
        ? "The hub did not accept the command after every attempt (last error: " + e.getString("code", "UNKNOWN") + ")."
        : "The hub refused the command: " + e.getString("message", e.getString("code", "no reason given"));
    Reply r = error(502, "UPSTREAM_REJECTED", message).withBodyField("commandId", commandId)
        .withBodyField("upstreamCode", e.getString("code", "UNKNOWN"));
    return retriesExhausted ? r.withBodyField("reason", "retries_exhausted") : r;
  }

  static Reply error(int status, String code, String message) {
    return new Reply(status, new JsonObject(),
        new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)));
  }

  private Reply withBodyField(String name, Object value) {
    JsonObject b = body.copy();
    b.getJsonObject("error").put(name, value);
    return new Reply(status, headers, b);
  }

  /** Retry-After is whole seconds, rounded up (never 0 for a positive wait). */
  static long seconds(long ms) {
    return Math.max(1, (ms + 999) / 1000);
  }

  private static String shown(String s) {
    if (s == null) {
      return "";
    }
    String t = s.replaceAll("[^A-Za-z0-9._-]", "?");
    return t.length() > 40 ? t.substring(0, 40) + "…" : t;
  }
}
