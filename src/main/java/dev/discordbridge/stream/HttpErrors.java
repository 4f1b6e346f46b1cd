package dev.discordbridge.stream;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The edge's error bodies: {@code {"error": {"code", "message", ...}}} (CONTRACT section 3). */
final class HttpErrors {
  private HttpErrors() {}

  static final String TRACE_ID = "traceId";
  static final String TRACE_HEADER = "X-Trace-Id";

  static void write(RoutingContext ctx, int status, String code, String message) {
    write(ctx.response(), status, new JsonObject().put("code", code).put("message", message));
  }

  static void validation(RoutingContext ctx, String field, String message) {
    write(ctx.response(), 400, new JsonObject().put("code", "VALIDATION_FAILED").put("message", message)
        .put("fields", new JsonArray().add(new JsonObject().put("field", field).put("message", message))));
  }

  static void write(HttpServerResponse res, int status, JsonObject error) {
    if (res.ended() || res.closed()) {
      return;
    }
    res.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(new JsonObject().put("error", error).encode());
  }

  static String traceId(RoutingContext ctx) {
    return ctx.get(TRACE_ID);
  }
}
