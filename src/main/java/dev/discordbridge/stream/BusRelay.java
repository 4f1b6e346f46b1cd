package dev.discordbridge.stream;

import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.auth.Caller;
import dev.discordbridge.auth.OriginPolicy;
import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.CommandOutcome;
import dev.discordbridge.bus.CommandRequest;
import dev.discordbridge.ops.TraceLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin HTTP-to-bus relays of the public port: {@code POST /api/commands/:name} (to the
 * command dispatcher) and {@code POST /internal/events} (to the link holder). The edge
 * authenticates, checks the origin, caps and parses the body, builds the envelope of
 * docs/architecture.md, and writes the reply {@code {status, headers, body}} verbatim.
 */
final class BusRelay {
  private static final Logger log = LoggerFactory.getLogger(BusRelay.class);
  /** /internal/events carries batches: it gets a larger cap than browser requests. */
  static final int INGEST_BODY_LIMIT = 1 << 20;

  private final Vertx vertx;
  private final Authenticator authenticator;
  private final OriginPolicy origins;
  private final int bodyLimit;
  private final long commandTimeoutMs;
  private final byte[] linkToken;

  BusRelay(Vertx vertx, Authenticator authenticator, OriginPolicy origins, int bodyLimit, long commandAckWaitMs,
           String linkToken) {
    this.vertx = vertx;
    this.authenticator = authenticator;
    this.origins = origins;
    this.bodyLimit = bodyLimit;
    // The dispatcher answers 202 after COMMAND_ACK_WAIT_MS at the latest; leave it room.
    this.commandTimeoutMs = commandAckWaitMs + 5_000;
    this.linkToken = linkToken == null ? null : linkToken.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code POST /api/commands/:name}. */
  void command(RoutingContext ctx) {
    ctx.request().pause();
    String traceId = HttpErrors.traceId(ctx);
    authenticator.authenticate(ctx.request())
        .recover(err -> {
          BodyReader.discard(ctx.request());
          StreamRoutes.unauthenticated(ctx, err);
          return Future.failedFuture(new BodyReader.Answered());
        })
        .compose(caller -> {
          if (caller.via() == Caller.Via.COOKIE && origins.refusesCrossSite(ctx.request())) {
            BodyReader.discard(ctx.request());
            HttpErrors.write(ctx, 403, "FORBIDDEN", "cross-site requests authenticated by cookie are refused");
            return Future.failedFuture(new BodyReader.Answered());
          }
          return BodyReader.readJson(ctx, bodyLimit).map(body -> commandRequest(ctx, traceId, caller, body));
        })
        .onSuccess(request -> {
          if (request != null) {
            submit(ctx, request);
          }
        })
        .onFailure(err -> unexpected(ctx, traceId, err));
  }

  /** Commands go to this node's dispatcher (their state is cluster-wide: buckets, idempotency keys, the journal). */
  private void submit(RoutingContext ctx, CommandRequest request) {
    var options = new DeliveryOptions().setSendTimeout(commandTimeoutMs).setLocalOnly(true);
    vertx.eventBus().<CommandOutcome>request(Addresses.COMMAND_SUBMIT, request, options)
        .onSuccess(m -> HttpErrors.write(ctx.response(), CommandAnswers.of(m.body())))
        .onFailure(err -> relayFailed(ctx, Addresses.COMMAND_SUBMIT, err, commandTimeoutMs, request.traceId()));
  }

  /** {@code POST /internal/events}: the hub's fallback ingestion, authenticated by the link token. */
  void ingest(RoutingContext ctx) {
    String traceId = HttpErrors.traceId(ctx);
    if (!linkTokenMatches(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
      BodyReader.discard(ctx.request());
      HttpErrors.write(ctx, 401, "UNAUTHENTICATED", "Authorization: Bearer <link token> is required");
      return;
    }
    BodyReader.readJson(ctx, Math.max(bodyLimit, INGEST_BODY_LIMIT)).onSuccess(body -> {
      JsonObject envelope = envelope(ctx, traceId, body);
      if (envelope != null) {
        relay(ctx, Addresses.GATEWAY_INGEST, envelope, 10_000, traceId);
      }
    }).onFailure(err -> unexpected(ctx, traceId, err));
  }

  private static void unexpected(RoutingContext ctx, String traceId, Throwable err) {
    if (!(err instanceof BodyReader.Answered)) {
      TraceLog.error(log, traceId, "request failed: {}", String.valueOf(err));
      HttpErrors.write(ctx, 500, "INTERNAL", "internal error (trace id " + traceId + ")");
    }
  }

  boolean linkTokenMatches(String header) {
    if (linkToken == null || header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, linkToken);
  }

  /** The command request, or null after answering 400 for a body that is not an object. */
  private static CommandRequest commandRequest(RoutingContext ctx, String traceId, Caller caller, Object body) {
    if (!(body instanceof JsonObject object)) {
      HttpErrors.validation(ctx, "body", "the body must be a JSON object");
      return null;
    }
    return new CommandRequest(traceId, ctx.pathParam("name"), caller.userId(), caller.guilds().stream().sorted().toList(),
        caller.via().name().toLowerCase(), object, header(ctx, "idempotency-key"), header(ctx, "traceparent"));
  }

  /** The relay envelope, or null after answering 400 for a body that is not an object. */
  private static JsonObject envelope(RoutingContext ctx, String traceId, Object body) {
    if (!(body instanceof JsonObject object)) {
      HttpErrors.validation(ctx, "body", "the body must be a JSON object");
      return null;
    }
    JsonObject headers = new JsonObject();
    copyHeader(ctx, headers, "idempotency-key");
    copyHeader(ctx, headers, "traceparent");
    return new JsonObject().put("traceId", traceId).put("headers", headers).put("body", object).put("name", "ingest");
  }

  private static String header(RoutingContext ctx, String name) {
    String v = ctx.request().getHeader(name);
    return v != null && v.length() <= 512 ? v : null;
  }

  private static void copyHeader(RoutingContext ctx, JsonObject headers, String name) {
    String v = header(ctx, name);
    if (v != null) {
      headers.put(name, v);
    }
  }

  /** Requests {@code address} and writes its {@code {status, headers, body}} reply, or maps the failure. */
  void relay(RoutingContext ctx, String address, JsonObject envelope, long timeoutMs, String traceId) {
    vertx.eventBus().<JsonObject>request(address, envelope, new DeliveryOptions().setSendTimeout(timeoutMs))
        .onSuccess(m -> writeReply(ctx.response(), m.body()))
        .onFailure(err -> relayFailed(ctx, address, err, timeoutMs, traceId));
  }

  /** A bus request that failed: nobody consumes it (503), no answer in time (504), or anything else (500). */
  private static void relayFailed(RoutingContext ctx, String address, Throwable err, long timeoutMs, String traceId) {
    ReplyFailure type = err instanceof ReplyException re ? re.failureType() : null;
    if (type == ReplyFailure.NO_HANDLERS) {
      TraceLog.warn(log, traceId, "relay to {} failed: nobody consumes it", address);
      HttpErrors.write(ctx, 503, "SERVICE_UNAVAILABLE", "the service is not available on this node");
    } else if (type == ReplyFailure.TIMEOUT) {
      TraceLog.warn(log, traceId, "relay to {} timed out after {} ms", address, timeoutMs);
      HttpErrors.write(ctx, 504, "TIMEOUT", "the service did not answer in time");
    } else {
      TraceLog.error(log, traceId, "relay to {} failed: {}", address, String.valueOf(err.getMessage()));
      HttpErrors.write(ctx, 500, "INTERNAL", "internal error (trace id " + traceId + ")");
    }
  }

  static void writeReply(HttpServerResponse res, JsonObject reply) {
    if (res.ended() || res.closed()) {
      return;
    }
    if (reply == null) {
      res.setStatusCode(500).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(HttpErrors.body(HttpErrors.error("INTERNAL", "empty reply")).encode());
      return;
    }
    res.setStatusCode(reply.getInteger("status", 200));
    JsonObject headers = reply.getJsonObject("headers");
    if (headers != null) {
      headers.forEach(h -> res.putHeader(h.getKey(), String.valueOf(h.getValue())));
    }
    Object body = reply.getValue("body");
    if (body == null) {
      res.end();
      return;
    }
    if (body instanceof JsonObject || body instanceof JsonArray) {
      if (!res.headers().contains(HttpHeaders.CONTENT_TYPE)) {
        res.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
      }
      res.end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
    } else {
      res.end(String.valueOf(body));
    }
  }
}
