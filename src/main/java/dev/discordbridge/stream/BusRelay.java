package dev.discordbridge.stream;

import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.auth.Caller;
import dev.discordbridge.auth.OriginPolicy;
import dev.discordbridge.bus.Addresses;
import dev.discordbridge.ops.TraceLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin HTTP-to-bus relay of the public port: {@code POST /api/commands/:name} (to the
 * command dispatcher; {@code POST /internal/events} is {@link IngestRoutes}). The edge
 * authenticates, checks the origin, caps and parses the body, builds the envelope of
 * docs/architecture.md, and writes the reply {@code {status, headers, body}} verbatim.
 */
final class BusRelay {
  private static final Logger log = LoggerFactory.getLogger(BusRelay.class);

  private final Vertx vertx;
  private final Authenticator authenticator;
  private final OriginPolicy origins;
  private final int bodyLimit;
  private final long commandTimeoutMs;

  BusRelay(Vertx vertx, Authenticator authenticator, OriginPolicy origins, int bodyLimit, long commandAckWaitMs) {
    this.vertx = vertx;
    this.authenticator = authenticator;
    this.origins = origins;
    this.bodyLimit = bodyLimit;
    // The dispatcher answers 202 after COMMAND_ACK_WAIT_MS at the latest; leave it room.
    this.commandTimeoutMs = commandAckWaitMs + 5_000;
  }

  /** {@code POST /api/commands/:name}. */
  void command(RoutingContext ctx) {
    ctx.request().pause();
    String traceId = HttpErrors.traceId(ctx);
    authenticator.authenticate(RequestCredentials.of(ctx.request()))
        .recover(err -> {
          BodyReader.discard(ctx.request());
          StreamRoutes.unauthenticated(ctx, err);
          return Future.failedFuture(new BodyReader.Answered());
        })
        .compose(caller -> {
          if (caller.via() == Caller.Via.COOKIE && origins.refusesCrossSite(RequestCredentials.site(ctx.request()))) {
            BodyReader.discard(ctx.request());
            HttpErrors.write(ctx, 403, "FORBIDDEN", "cross-site requests authenticated by cookie are refused");
            return Future.failedFuture(new BodyReader.Answered());
          }
          return BodyReader.readJson(ctx, bodyLimit).map(body -> envelope(ctx, traceId, caller, body));
        })
        .onSuccess(envelope -> {
          if (envelope != null) {
            relay(ctx, Addresses.COMMAND_SUBMIT, envelope, commandTimeoutMs, traceId);
          }
        })
        .onFailure(err -> unexpected(ctx, traceId, err));
  }

  private static void unexpected(RoutingContext ctx, String traceId, Throwable err) {
    if (!(err instanceof BodyReader.Answered)) {
      TraceLog.error(log, traceId, "request failed: {}", String.valueOf(err));
      HttpErrors.write(ctx, 500, "INTERNAL", "internal error (trace id " + traceId + ")");
    }
  }

  /** The relay envelope, or null after answering 400 for a body that is not an object. */
  private static JsonObject envelope(RoutingContext ctx, String traceId, Caller caller, Object body) {
    if (!(body instanceof JsonObject object)) {
      HttpErrors.validation(ctx, "body", "the body must be a JSON object");
      return null;
    }
    JsonObject headers = new JsonObject();
    copyHeader(ctx, headers, "idempotency-key");
    copyHeader(ctx, headers, "traceparent");
    JsonObject envelope = new JsonObject().put("traceId", traceId).put("headers", headers).put("body", object);
    String name = ctx.pathParam("name");
    envelope.put("name", name != null ? name : "ingest");
    if (caller != null) {
      envelope.put("caller", caller.toJson());
    }
    return envelope;
  }

  private static void copyHeader(RoutingContext ctx, JsonObject headers, String name) {
    String v = ctx.request().getHeader(name);
    if (v != null && v.length() <= 512) {
      headers.put(name, v);
    }
  }

  /** Requests {@code address} and writes its {@code {status, headers, body}} reply, or maps the failure. */
  void relay(RoutingContext ctx, String address, JsonObject envelope, long timeoutMs, String traceId) {
    // Commands go to this node's dispatcher (their state is cluster-wide: buckets, idempotency
    // keys, the journal); ingestion goes to the link holder, wherever it is.
    boolean localOnly = Addresses.COMMAND_SUBMIT.equals(address);
    vertx.eventBus().<JsonObject>request(address, envelope, new DeliveryOptions().setSendTimeout(timeoutMs)
            .setLocalOnly(localOnly))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            writeReply(ctx.response(), ar.result().body());
            return;
          }
          Throwable err = ar.cause();
          if (err instanceof ReplyException re && re.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS) {
            TraceLog.warn(log, traceId, "relay to {} failed: nobody consumes it", address);
            HttpErrors.write(ctx, 503, "SERVICE_UNAVAILABLE", "the service is not available on this node");
          } else if (err instanceof ReplyException re && re.failureType() == io.vertx.core.eventbus.ReplyFailure.TIMEOUT) {
            TraceLog.warn(log, traceId, "relay to {} timed out after {} ms", address, timeoutMs);
            HttpErrors.write(ctx, 504, "TIMEOUT", "the service did not answer in time");
          } else {
            TraceLog.error(log, traceId, "relay to {} failed: {}", address, String.valueOf(err.getMessage()));
            HttpErrors.write(ctx, 500, "INTERNAL", "internal error (trace id " + traceId + ")");
          }
        });
  }

  static void writeReply(HttpServerResponse res, JsonObject reply) {
    if (res.ended() || res.closed()) {
      return;
    }
    if (reply == null) {
      res.setStatusCode(500).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(new JsonObject().put("error", new JsonObject().put("code", "INTERNAL").put("message", "empty reply")).encode());
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
