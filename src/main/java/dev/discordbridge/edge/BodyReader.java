package dev.discordbridge.edge;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a JSON request body with the edge's checks, in the contract's order: size announced by
 * {@code Content-Length} (413 before reading), media type (415), size while reading (413), JSON
 * syntax (415). The request must have been paused by the first handler; this resumes it. The
 * body has its own read timeout ({@link #deadline}); a {@code 100 Continue} is sent only where the
 * body will be read.
 */
final class BodyReader {
  private BodyReader() {}

  /** A failure already answered on the response. */
  static final class Answered extends RuntimeException {
    Answered() {
      super(null, null, false, false);
    }
  }

  /**
   * Arms the body's own read timeout ({@code HTTP_BODY_TIMEOUT_MS}), counted from the request's
   * head, for every request that announces a body (whatever route answers it): a body still
   * incomplete then gets 408 with Connection: close (or, after an answer, its connection is
   * closed), so a body sent a byte at a time cannot hold a connection. The first route handler
   * calls it.
   */
  static void deadline(RoutingContext ctx, long timeoutMs) {
    HttpServerRequest req = ctx.request();
    if (req.isEnded() || !announcesBody(req)) {
      return;
    }
    long timer = ctx.vertx().setTimer(timeoutMs, id -> {
      if (req.isEnded() || req.connection() == null) {
        return;
      }
      ConnectionGuard guard = ConnectionGuard.of(req.connection());
      if (guard != null) {
        guard.refused("body_timeout", HttpErrors.traceId(ctx));
      }
      HttpServerResponse res = ctx.response();
      if (res.ended() || res.closed() || res.headWritten()) {
        req.connection().close();
        return;
      }
      req.handler(null);
      res.setStatusCode(408).putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .end(HttpErrors.body(HttpErrors.error("REQUEST_TIMEOUT", "the body did not arrive within " + timeoutMs
              + " ms")).encode())
          .onComplete(v -> req.connection().close());
    });
    ctx.put(BODY_TIMER, timer);
  }

  private static boolean announcesBody(HttpServerRequest req) {
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    return req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || length != null && !length.trim().equals("0");
  }

  /** Where {@link #deadline} keeps its timer, cancelled once the body is read whole. */
  private static final String BODY_TIMER = "bodyTimer";

  /**
   * An {@code Expect} other than {@code 100-continue} gets 417 (RFC 9110 section 10.1.1); returns
   * whether it was answered.
   */
  static boolean refusesExpectation(RoutingContext ctx) {
    String expect = ctx.request().getHeader(HttpHeaders.EXPECT);
    if (expect == null || expect.trim().equalsIgnoreCase("100-continue")) {
      return false;
    }
    ConnectionGuard guard = ConnectionGuard.of(ctx.request().connection());
    if (guard != null) {
      guard.refused("expectation", HttpErrors.traceId(ctx));
    }
    discard(ctx.request());
    HttpErrors.write(ctx, 417, "EXPECTATION_FAILED", "the only expectation this server meets is 100-continue");
    return true;
  }

  /** The parsed JSON value (object, array or scalar); the response is already written on failure. */
  static Future<Object> readJson(RoutingContext ctx, int limit) {
    HttpServerRequest req = ctx.request();
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      long announced;
      try {
        announced = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        announced = Long.MAX_VALUE;
      }
      if (announced > limit) {
        return tooLarge(ctx, limit);
      }
    }
    if (!isJson(req.getHeader(HttpHeaders.CONTENT_TYPE))) {
      discard(req);
      HttpErrors.write(ctx, 415, "UNSUPPORTED_MEDIA_TYPE", "the body must be JSON (Content-Type: application/json)");
      return Future.failedFuture(new Answered());
    }
    Promise<Buffer> body = Promise.promise();
    Buffer buf = Buffer.buffer(length != null ? (int) Math.min(limit, Math.max(0, parse(length))) : 256);
    req.handler(chunk -> {
      if (body.future().isComplete()) {
        return;
      }
      if (buf.length() + chunk.length() > limit) {
        body.tryFail(new IllegalStateException("too large"));
        return;
      }
      buf.appendBuffer(chunk);
    });
    req.endHandler(v -> {
      Long timer = ctx.get(BODY_TIMER);
      if (timer != null) {
        ctx.vertx().cancelTimer(timer);
      }
      body.tryComplete(buf);
    });
    req.exceptionHandler(body::tryFail);
    if (!req.isEnded() && "100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT))) {
      ctx.response().writeContinue(); // here, and only here, the body will be read
    }
    req.resume();
    return body.future().transform(ar -> {
      if (ctx.response().headWritten()) {
        return Future.failedFuture(new Answered()); // answered meanwhile (the body timeout's 408)
      }
      if (ar.failed()) {
        return tooLarge(ctx, limit);
      }
      try {
        return Future.succeededFuture(Json.decodeValue(ar.result()));
      } catch (DecodeException e) {
        HttpErrors.write(ctx, 415, "UNSUPPORTED_MEDIA_TYPE", "the body is not valid JSON");
        return Future.failedFuture(new Answered());
      }
    });
  }

  private static long parse(String length) {
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return 256;
    }
  }

  /** Past this much unread body after an early answer, the connection is closed instead of drained. */
  static final int MAX_DISCARD_BYTES = 1 << 20;

  private static <T> Future<T> tooLarge(RoutingContext ctx, int limit) {
    discard(ctx.request());
    HttpErrors.write(ctx, 413, "PAYLOAD_TOO_LARGE", "the body is larger than " + limit + " bytes");
    return Future.failedFuture(new Answered());
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    return type.equalsIgnoreCase("application/json");
  }

  /**
   * Before an early answer (call it before writing the answer): drain the rest of the body so that
   * the client reads the answer rather than a connection reset. A body announced at most
   * {@link #MAX_DISCARD_BYTES} long is drained and the connection stays usable; a longer or
   * unannounced one gets {@code Connection: close} on the answer, a bounded drain and a graceful
   * close (see {@link ConnectionGuard#prepareEarlyAnswer}).
   */
  static void discard(HttpServerRequest req) {
    if (req.isEnded()) {
      return;
    }
    ConnectionGuard.prepareEarlyAnswer(req, MAX_DISCARD_BYTES);
    ConnectionGuard.draining(req);
    long[] seen = {0};
    req.handler(b -> {
      seen[0] += b.length();
      if (seen[0] > MAX_DISCARD_BYTES) {
        // Only an answer that says Connection: close gets here; its graceful close ends the connection.
        req.handler(null);
        req.pause();
      }
    });
    req.endHandler(null);
    req.exceptionHandler(err -> { });
    req.resume();
  }
}
