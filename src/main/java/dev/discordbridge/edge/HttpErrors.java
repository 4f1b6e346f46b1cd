package dev.discordbridge.edge;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * The edge's error bodies, {@code {"error": {"code", "message", ...}}} (CONTRACT section 3), built
 * here and nowhere else; command outcomes reach it through {@link CommandAnswers}.
 */
final class HttpErrors {
  private HttpErrors() {}

  static final String TRACE_ID = "traceId";
  static final String TRACE_HEADER = "X-Trace-Id";

  /** The error object {@code {"code", "message"}}; callers add the fields their code carries. */
  static JsonObject error(String code, String message) {
    return new JsonObject().put("code", code).put("message", message);
  }

  /** The whole error body around an error object. */
  static JsonObject body(JsonObject error) {
    return new JsonObject().put("error", error);
  }

  static void write(RoutingContext ctx, int status, String code, String message) {
    write(ctx.response(), status, error(code, message));
  }

  static void validation(RoutingContext ctx, String field, String message) {
    write(ctx.response(), 400, error("VALIDATION_FAILED", message)
        .put("fields", new JsonArray().add(new JsonObject().put("field", field).put("message", message))));
  }

  static void write(HttpServerResponse res, int status, JsonObject error) {
    write(res, status, Map.of(), body(error));
  }

  /** Writes a JSON answer (no-op when the response is already gone). */
  static void write(HttpServerResponse res, int status, Map<String, String> headers, JsonObject body) {
    if (res.ended() || res.closed()) {
      return;
    }
    res.setStatusCode(status);
    headers.forEach(res::putHeader);
    res.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(line(body));
  }

  /** A command's answer: as the dispatcher's replies always were, without {@code Cache-Control}. */
  static void write(HttpServerResponse res, CommandAnswers.HttpAnswer answer) {
    if (res.ended() || res.closed()) {
      return;
    }
    res.setStatusCode(answer.status());
    answer.headers().forEach(res::putHeader);
    res.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(line(answer.body()));
  }

  /**
   * A JSON answer as written: the object and a newline, so that curl's output does not run into
   * the shell prompt (JSON parsers ignore the trailing white space).
   */
  static String line(JsonObject body) {
    return body.encode() + "\n";
  }

  static String traceId(RoutingContext ctx) {
    return ctx.get(TRACE_ID);
  }
}
