package dev.discordbridge.edge;

import dev.discordbridge.edge.sse.VertxInternals;
import dev.discordbridge.ops.SummaryLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection-level guard of the public port, shared by all its instances: installs the
 * {@link EdgeDecoder} (request-head timeout, unambiguous framing) on every HTTP/1.1 connection,
 * caps open connections at HTTP_MAX_CONNECTIONS (below the descriptor limit), and at the cap
 * sheds the oldest connection that has not sent a request head yet, else the oldest that only
 * drains a body after an early answer, or refuses the new one when every connection is in use, so
 * a flood of silent or slow sockets cannot take the port (nor /health/live) away. What it sheds,
 * and the requests the edge refuses, are logged as one line per interval, never per connection.
 */
final class ConnectionGuard {
  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
  static final long LOG_INTERVAL_MS = 10_000;
  /** After an answer that says Connection: close, how long unread input is still drained. */
  static final long LINGER_MS = 2_000;

  /** The meters, one set per registry (all instances and guards of a node add to them). */
  private record Meters(AtomicInteger open, Counter headerTimeout, Counter shed, Counter refused, Counter badFraming,
                        Counter acceptFailed, MeterRegistry registry) {
    private static final Map<MeterRegistry, Meters> BY_REGISTRY = new ConcurrentHashMap<>();

    static Meters of(MeterRegistry r) {
      return BY_REGISTRY.computeIfAbsent(r, reg -> {
        AtomicInteger open = new AtomicInteger();
        Gauge.builder("bridge_http_connections", open, AtomicInteger::get)
            .description("Open connections on the public HTTP port").register(reg);
        return new Meters(open, closed(reg, "header_timeout"), closed(reg, "shed"), closed(reg, "refused"),
            closed(reg, "bad_framing"), closed(reg, "accept_failed"), reg);
      });
    }

    /** Requests refused at the edge, by a reason from a fixed set (the callers' constants). */
    Counter requestRefused(String reason) {
      return Counter.builder("bridge_http_requests_refused_total").tag("reason", reason)
          .description("Requests the edge refused before any capability saw them: bad_host, bad_target, bad_framing, chunk_size, invalid, ws_upgrade,"
              + " expectation, body_timeout, ingest_unauthenticated, ingest_throttled")
          .register(registry);
    }

    private static Counter closed(MeterRegistry r, String reason) {
      return Counter.builder("bridge_http_connections_closed_total").tag("reason", reason)
          .description("Connections the edge closed: no request head in time, shed or refused at the cap, ambiguous"
              + " framing, or not accepted at the descriptor limit")
          .register(r);
    }
  }

  private final int maxConnections;
  private final long headerTimeoutMs;
  private final Meters meters;
  private final AtomicInteger open = new AtomicInteger();
  /** Connections that have not sent a complete request head, with when they were accepted. */
  private final Map<EdgeDecoder, Long> withoutHead = new ConcurrentHashMap<>();
  /** Connections that were answered early and only drain the rest of a body, with since when. */
  private final Map<EdgeDecoder, Long> draining = new ConcurrentHashMap<>();
  /** Requests refused at the edge (bad Host, framing, chunk sizes, ...): one summary line per interval. */
  private final SummaryLog refusals = new SummaryLog(log, org.slf4j.event.Level.INFO, "requests refused at the edge",
      LOG_INTERVAL_MS);
  private final AtomicLong shed = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();
  private final AtomicLong acceptFailures = new AtomicLong();
  private final AtomicLong nextLogAt = new AtomicLong();
  private final AtomicBoolean flushPending = new AtomicBoolean();

  ConnectionGuard(int maxConnections, long headerTimeoutMs, MeterRegistry registry) {
    this.maxConnections = maxConnections;
    this.headerTimeoutMs = headerTimeoutMs;
    this.meters = Meters.of(registry);
  }

  int open() {
    return open.get();
  }

  /** The server's connection handler: runs on the connection's event loop before it reads. */
  void accept(HttpConnection connection, HttpServerOptions options) {
    Channel channel = channel(connection);
    if (channel == null) {
      return;
    }
    EdgeDecoder decoder = null;
    if (channel.pipeline().get("httpDecoder") instanceof HttpRequestDecoder) {
      decoder = new EdgeDecoder(options, this, headerTimeoutMs);
      channel.pipeline().replace("httpDecoder", "httpDecoder", decoder);
      decoder.start(channel.pipeline().context(decoder)); // before other threads can see it in the map
      withoutHead.put(decoder, System.nanoTime());
    }
    if (decoder == null) {
      armHttp2HeaderTimeout(channel);
    }
    watchAccepts(channel.parent());
    EdgeDecoder installed = decoder;
    open.incrementAndGet();
    meters.open().incrementAndGet();
    channel.closeFuture().addListener(f -> {
      open.decrementAndGet();
      meters.open().decrementAndGet();
      if (installed != null) {
        withoutHead.remove(installed);
        draining.remove(installed);
      }
    });
    if (open.get() > maxConnections) {
      makeRoom(channel, installed);
    }
  }

  /**
   * HTTP/2 (TLS with ALPN h2) has no request decoder to time: a connection that has opened no
   * stream (no complete HEADERS block: silent after the preface, or a header block never finished)
   * when HTTP_HEADER_TIMEOUT_MS is over is closed and counted as a header timeout, as on HTTP/1.1.
   */
  private void armHttp2HeaderTimeout(Channel channel) {
    Http2ConnectionHandler h2 = channel.pipeline().get(Http2ConnectionHandler.class);
    if (h2 == null) {
      return;
    }
    channel.eventLoop().schedule(() -> {
      if (channel.isActive() && h2.connection().remote().lastStreamCreated() == 0) {
        headerTimedOut();
        channel.close();
      }
    }, headerTimeoutMs, TimeUnit.MILLISECONDS);
  }

  private static final String ACCEPT_FAILURES = "bridge-accept-failures";

  /**
   * At the descriptor limit accept() fails (EMFILE); Netty then pauses accepting for a second
   * (the cheap refusal) and passes the error on to the end of the server channel's pipeline, where
   * it would be logged with a stack trace every second. This handler, last on the server channel,
   * counts it into the interval line instead.
   */
  private Channel watchedServer;

  /** Takes the accept watcher off the server channel (before the server closes). */
  synchronized void stop() {
    if (watchedServer != null && watchedServer.pipeline().get(ACCEPT_FAILURES) != null) {
      watchedServer.pipeline().remove(ACCEPT_FAILURES);
    }
    watchedServer = null;
  }

  private synchronized void watchAccepts(Channel server) {
    if (server == null || server.pipeline().get(ACCEPT_FAILURES) != null) {
      return;
    }
    watchedServer = server;
    server.pipeline().addLast(ACCEPT_FAILURES, new ChannelInboundHandlerAdapter() {
      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
          acceptFailures.incrementAndGet();
          meters.acceptFailed().increment();
          report();
        } else {
          ctx.fireExceptionCaught(cause);
        }
      }
    });
  }

  /**
   * At the cap: close the oldest connection without a request head, else the oldest that only drains
   * a body after its answer; the new one if there is none.
   */
  private void makeRoom(Channel fresh, EdgeDecoder freshDecoder) {
    EdgeDecoder oldest = oldest(withoutHead, freshDecoder);
    Map<EdgeDecoder, Long> from = withoutHead;
    if (oldest == null) {
      oldest = oldest(draining, freshDecoder);
      from = draining;
    }
    if (oldest != null && from.remove(oldest) != null) {
      shed.incrementAndGet();
      meters.shed().increment();
      oldest.shed();
    } else {
      refused.incrementAndGet();
      meters.refused().increment();
      fresh.close();
    }
    report();
  }

  private static EdgeDecoder oldest(Map<EdgeDecoder, Long> candidates, EdgeDecoder except) {
    EdgeDecoder oldest = null;
    long oldestAt = 0;
    for (Map.Entry<EdgeDecoder, Long> e : candidates.entrySet()) {
      if (e.getKey() != except && (oldest == null || e.getValue() - oldestAt < 0)) {
        oldest = e.getKey();
        oldestAt = e.getValue();
      }
    }
    return oldest;
  }

  void headReceived(EdgeDecoder decoder) {
    withoutHead.remove(decoder);
    draining.remove(decoder);
  }

  /** A request refused at the edge: counted by reason, summarised in the log (never a line each). */
  void refused(String reason, String traceId) {
    countRefused(reason);
    refusals.record(reason, traceId);
  }

  /** Counted only (the caller logs it its own way). */
  void countRefused(String reason) {
    meters.requestRefused(reason).increment();
  }

  /** The connection of {@code request} was answered early and now only drains the rest of its body. */
  static void draining(HttpServerRequest request) {
    EdgeDecoder decoder = decoder(request.connection());
    if (decoder != null) {
      decoder.guard().draining.put(decoder, System.nanoTime());
    }
  }

  /** The response head of the connection's current request is being written. */
  static void answering(HttpConnection connection) {
    EdgeDecoder decoder = decoder(connection);
    if (decoder != null) {
      decoder.answering();
    }
  }

  /** The node's guard, reached from a request (null on a connection without the edge decoder). */
  static ConnectionGuard of(HttpConnection connection) {
    EdgeDecoder decoder = decoder(connection);
    return decoder == null ? null : decoder.guard();
  }

  private static EdgeDecoder decoder(HttpConnection connection) {
    Channel channel = channel(connection);
    return channel == null ? null : channel.pipeline().get(EdgeDecoder.class);
  }

  void badFraming() {
    meters.badFraming().increment();
  }

  void headerTimedOut() {
    timedOut.incrementAndGet();
    meters.headerTimeout().increment();
    report();
  }

  /**
   * At most one line per interval with what was closed since the last line: the first event
   * is logged at once, later ones are counted and written when the interval is over.
   */
  private void report() {
    long now = System.currentTimeMillis();
    long due = nextLogAt.get();
    if (now >= due && nextLogAt.compareAndSet(due, now + LOG_INTERVAL_MS)) {
      writeLine();
    } else if (flushPending.compareAndSet(false, true)) {
      GlobalEventExecutor.INSTANCE.schedule(() -> {
        flushPending.set(false);
        report();
      }, Math.max(1, nextLogAt.get() - now), TimeUnit.MILLISECONDS);
    }
  }

  private void writeLine() {
    long s = shed.getAndSet(0);
    long r = refused.getAndSet(0);
    long t = timedOut.getAndSet(0);
    long a = acceptFailures.getAndSet(0);
    if (s + r + a > 0) {
      log.warn("HTTP_MAX_CONNECTIONS={} reached ({} open): closed {} connections that had sent no request head (or only drained a body after an early answer), refused {}"
          + " new ones, {} accepts failed at the file-descriptor limit (accepting pauses 1 s each); {} closed for no"
          + " complete request head within HTTP_HEADER_TIMEOUT_MS={} (counts since the last such line)",
          maxConnections, open.get(), s, r, a, t, headerTimeoutMs);
    } else if (t > 0) {
      log.info("{} connections closed for no complete request head within HTTP_HEADER_TIMEOUT_MS={} (counts since the last such line)",
          t, headerTimeoutMs);
    }
  }

  /** A running SSE stream carries heartbeats and must not be cut by the idle timeout. */
  static void exemptFromIdleTimeout(HttpConnection connection) {
    Channel channel = channel(connection);
    if (channel != null) {
      IdleStateHandler idle = channel.pipeline().get(IdleStateHandler.class);
      if (idle != null) {
        channel.pipeline().remove(idle);
      }
    }
  }

  /**
   * Before an answer sent while the request body is still coming: when the rest of the body can
   * be drained cheaply (announced, at most {@code drainLimit} bytes) the connection stays usable;
   * otherwise the answer says {@code Connection: close} and, once it is written, the server ends
   * its side (the client reads the whole answer, then end of stream) and closes after a linger.
   *
   * @return true when the connection is kept (the caller drains the body)
   */
  static boolean prepareEarlyAnswer(HttpServerRequest request, long drainLimit) {
    if (request.isEnded() || request.response().headWritten()) {
      return true; // nothing to prepare (an answer already on its way decided the connection's fate)
    }
    long announced = announcedLength(request);
    // A client waiting for 100 Continue may never send the body: tell it the connection ends.
    boolean awaitsContinue = "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT));
    if (announced >= 0 && announced <= drainLimit && !awaitsContinue) {
      return true;
    }
    HttpConnection connection = request.connection();
    request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        .bodyEndHandler(v -> closeGracefully(connection));
    return false;
  }

  private static long announcedLength(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length == null || request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Half-close after the answer, keep reading what the client still sends, close after a linger. */
  static void closeGracefully(HttpConnection connection) {
    Channel channel = channel(connection);
    if (channel == null) {
      connection.close();
      return;
    }
    // An empty write queued behind the answer: when it completes, the answer is on the wire.
    ChannelHandlerContext decoder = channel.pipeline().context(EdgeDecoder.class);
    ChannelFuture written = decoder != null ? decoder.writeAndFlush(Unpooled.EMPTY_BUFFER)
        : channel.writeAndFlush(Unpooled.EMPTY_BUFFER);
    written.addListener(f -> {
      if (channel instanceof DuplexChannel duplex && !duplex.isOutputShutdown()) {
        duplex.shutdownOutput();
      }
      channel.eventLoop().schedule(() -> channel.close(), LINGER_MS, TimeUnit.MILLISECONDS);
    });
  }

  private static Channel channel(HttpConnection connection) {
    return VertxInternals.channel(connection);
  }
}
