package dev.discordbridge.edge;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.IngestBatch;
import dev.discordbridge.bus.IngestResult;
import dev.discordbridge.contract.LinkFrames;
import dev.discordbridge.ops.SummaryLog;
import dev.discordbridge.ops.TraceLog;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * {@code POST /internal/events}, the hub's fallback ingestion (CONTRACT section 1): the link
 * token, the body's size, JSON and shape ({@code {"v": 1, "events": [1 to 1000 frames]}}) are
 * checked here (wrong tokens are throttled per client address: {@link FailureThrottle}); the link holder reads, de-duplicates and publishes the events
 * ({@code bridge.gateway.ingest}: {@link IngestBatch} → {@link IngestResult}).
 */
final class IngestRoutes {
  private static final Logger log = LoggerFactory.getLogger(IngestRoutes.class);
  /** /internal/events carries batches: it gets a larger cap than browser requests. */
  static final int INGEST_BODY_LIMIT = 1 << 20;
  private static final long TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final int bodyLimit;
  private final byte[] linkToken;
  private final FailureThrottle failures;
  private final SummaryLog refusals;

  IngestRoutes(Vertx vertx, int bodyLimit, String linkToken) {
    this(vertx, bodyLimit, linkToken, new FailureThrottle(), null);
  }

  /**
   * @param failures the node's throttle of wrong link tokens per client address
   * @param refusals the node's summary line of refused ingestion requests
   */
  IngestRoutes(Vertx vertx, int bodyLimit, String linkToken, FailureThrottle failures, SummaryLog refusals) {
    this.vertx = vertx;
    this.bodyLimit = Math.max(bodyLimit, INGEST_BODY_LIMIT);
    this.linkToken = linkToken == null ? null : linkToken.getBytes(StandardCharsets.UTF_8);
    this.failures = failures;
    this.refusals = refusals;
  }

  /** The summary line of refused ingestion requests, shared by a node's instances. */
  static SummaryLog refusalLog() {
    // unauthenticated: 401, a wrong or missing LINK_TOKEN; throttled: 429, the address failed too often.
    return new SummaryLog(log, Level.WARN, "POST /internal/events refused", ConnectionGuard.LOG_INTERVAL_MS);
  }

  void ingest(RoutingContext ctx) {
    String traceId = HttpErrors.traceId(ctx);
    String address = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    long now = System.currentTimeMillis();
    long throttledMs = failures.retryAfterMs(address, now);
    if (throttledMs > 0) {
      refused(ctx, "throttled", traceId);
      BodyReader.discard(ctx.request());
      HttpErrors.write(ctx.response(), 429, Map.of("Retry-After", String.valueOf((throttledMs + 999) / 1000)),
          HttpErrors.body(HttpErrors.error("RATE_LIMITED", "too many failed attempts from this address")
              .put("retryAfterMs", throttledMs)));
      return;
    }
    if (!linkTokenMatches(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
      failures.failed(address, now);
      refused(ctx, "unauthenticated", traceId);
      BodyReader.discard(ctx.request());
      HttpErrors.write(ctx, 401, "UNAUTHENTICATED", "Authorization: Bearer <link token> is required");
      return;
    }
    failures.succeeded(address);
    BodyReader.readJson(ctx, bodyLimit).onSuccess(body -> {
      if (!(body instanceof JsonObject object)) {
        HttpErrors.validation(ctx, "body", "the body must be a JSON object");
        return;
      }
      JsonArray problems = problems(object);
      if (!problems.isEmpty()) {
        TraceLog.warn(log, traceId, "ingestion request refused: {}", problems.encode());
        HttpErrors.write(ctx.response(), 400, new JsonObject().put("code", "VALIDATION_FAILED")
            .put("message", "the body is not an event batch").put("fields", problems));
        return;
      }
      send(ctx, traceId, new IngestBatch(traceId, object.getJsonArray("events")));
    }).onFailure(err -> {
      if (!(err instanceof BodyReader.Answered)) {
        TraceLog.error(log, traceId, "request failed: {}", String.valueOf(err));
        HttpErrors.write(ctx, 500, "INTERNAL", "internal error (trace id " + traceId + ")");
      }
    });
  }

  /** The fields of {@code body} that keep it from being an event batch; empty when it is one. */
  static JsonArray problems(JsonObject body) {
    JsonArray fields = new JsonArray();
    if (!(body.getValue("v") instanceof Integer v) || v != LinkFrames.VERSION) {
      fields.add(field("v", "must be " + LinkFrames.VERSION));
    }
    if (!(body.getValue("events") instanceof JsonArray a) || a.isEmpty() || a.size() > IngestBatch.MAX_EVENTS) {
      fields.add(field("events", "must be an array of 1 to " + IngestBatch.MAX_EVENTS + " event frames"));
    }
    return fields;
  }

  private static JsonObject field(String field, String message) {
    return new JsonObject().put("field", field).put("message", message);
  }

  private void send(RoutingContext ctx, String traceId, IngestBatch batch) {
    vertx.eventBus().<IngestResult>request(Addresses.GATEWAY_INGEST, batch, new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
        .onSuccess(m -> answer(ctx, m.body()))
        .onFailure(err -> {
          var type = err instanceof ReplyException re ? re.failureType() : null;
          if (type == ReplyFailure.NO_HANDLERS) {
            TraceLog.warn(log, traceId, "ingestion failed: nobody holds the link");
            HttpErrors.write(ctx, 503, "SERVICE_UNAVAILABLE", "the service is not available on this node");
          } else if (type == ReplyFailure.TIMEOUT) {
            TraceLog.warn(log, traceId, "ingestion timed out after {} ms", TIMEOUT_MS);
            HttpErrors.write(ctx, 504, "TIMEOUT", "the service did not answer in time");
          } else {
            TraceLog.error(log, traceId, "ingestion failed: {}", String.valueOf(err.getMessage()));
            HttpErrors.write(ctx, 500, "INTERNAL", "internal error (trace id " + traceId + ")");
          }
        });
  }

  private static void answer(RoutingContext ctx, IngestResult result) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    JsonArray rejected = new JsonArray();
    result.rejected().forEach(r -> rejected.add(new JsonObject().put("index", r.index()).put("reason", r.reason())));
    ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("accepted", result.accepted()).put("duplicates", result.duplicates())
            .put("rejected", rejected).encode());
  }

  private void refused(RoutingContext ctx, String reason, String traceId) {
    ConnectionGuard guard = ConnectionGuard.of(ctx.request().connection());
    if (guard != null) {
      guard.countRefused("ingest_" + reason);
    }
    if (refusals != null) {
      refusals.record(reason, traceId);
    }
  }

  boolean linkTokenMatches(String header) {
    if (linkToken == null || header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, linkToken);
  }
}
