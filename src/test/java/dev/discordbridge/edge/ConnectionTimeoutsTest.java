package dev.discordbridge.edge;

import static dev.discordbridge.edge.StreamTestSupport.bearer;
import static dev.discordbridge.edge.TestEvents.GUILD;
import static dev.discordbridge.edge.TestEvents.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 9 item 4: connections that never finish a request head (silent or slowloris) are closed
 * after HTTP_HEADER_TIMEOUT_MS, idle keep-alive connections after HTTP_IDLE_TIMEOUT_MS, SSE
 * streams are exempt, and /health/live answers throughout.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConnectionTimeoutsTest {
  private static final Logger log = LoggerFactory.getLogger(ConnectionTimeoutsTest.class);
  static final long HEADER_TIMEOUT = 800;
  static final long IDLE_TIMEOUT = 2_000;
  /** Timer and scheduling slack on a loaded 2-core machine. */
  static final long SLACK = 1_500;
  static Vertx vertx;
  static BridgeConfig config;
  static NetClient net;
  static int port;

  @BeforeAll
  static void setUp() {
    vertx = StreamTestSupport.edgeVertx();
    port = StreamTestSupport.freePort();
    config = BridgeConfig.parse(StreamTestSupport.baseConfig(port)
        .put("HTTP_HEADER_TIMEOUT_MS", HEADER_TIMEOUT)
        .put("HTTP_IDLE_TIMEOUT_MS", IDLE_TIMEOUT)
        .put("SSE_HEARTBEAT_MS", 1_500));
    StreamTestSupport.deploy(vertx, config, 2);
    net = vertx.createNetClient();
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  /**
   * Opens a socket and runs {@code onOpen} on it (periodic timers it adds to the list are cancelled
   * at the close); the close is checked to come between {@code minMs} and {@code maxAllowedMs}
   * after the socket opened, or after the last answer it received when {@code fromLastAnswer}.
   */
  static void open(VertxTestContext test, BiConsumer<NetSocket, List<Long>> onOpen, Checkpoint closed, AtomicLong maxMs,
                   long minMs, long maxAllowedMs, boolean fromLastAnswer) {
    // Taken before connecting: never later than the server's accept, whatever the client's own delays.
    long[] start = {System.nanoTime()};
    net.connect(port, "127.0.0.1").onComplete(test.succeeding(so -> {
      List<Long> timers = new CopyOnWriteArrayList<>();
      if (fromLastAnswer) {
        so.handler(b -> start[0] = System.nanoTime());
      }
      onOpen.accept(so, timers);
      so.closeHandler(v -> test.verify(() -> {
        timers.forEach(vertx::cancelTimer);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start[0]);
        maxMs.accumulateAndGet(ms, Math::max);
        assertTrue(ms >= minMs, "closed too early: " + ms + " ms");
        assertTrue(ms <= maxAllowedMs, "closed too late: " + ms + " ms");
        closed.flag();
      }));
    }));
  }

  static void await(VertxTestContext test, long ms) throws Throwable {
    assertTrue(test.awaitCompletion(ms, TimeUnit.MILLISECONDS), "not all connections were closed in time");
    if (test.failed()) {
      throw test.causeOfFailure();
    }
  }

  @Test
  void slowlorisConnectionsAreClosedWithinTheHeaderTimeoutWhileHealthAnswers() throws Throwable {
    int n = 200;
    VertxTestContext test = new VertxTestContext();
    Checkpoint closed = test.checkpoint(n);
    AtomicLong maxMs = new AtomicLong();
    for (int i = 0; i < n; i++) {
      open(test, (so, timers) -> {
        so.write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
        timers.add(vertx.setPeriodic(250, id -> so.write("a")));
      }, closed, maxMs, HEADER_TIMEOUT - 200, HEADER_TIMEOUT + 2 * SLACK, false); // 200 connects queue up on the client
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(200, RawHttp.live(port), "/health/live must answer during the attack");
    }
    await(test, HEADER_TIMEOUT + 2 * SLACK + 5_000);
    log.info("measured: {} slowloris connections closed, the slowest {} ms after it opened (HTTP_HEADER_TIMEOUT_MS={})",
        n, maxMs.get(), HEADER_TIMEOUT);
  }

  @Test
  void silentConnectionIsClosedWithinTheHeaderTimeout() throws Throwable {
    VertxTestContext test = new VertxTestContext();
    AtomicLong maxMs = new AtomicLong();
    open(test, (so, timers) -> { }, test.checkpoint(), maxMs, HEADER_TIMEOUT - 200, HEADER_TIMEOUT + SLACK, false);
    await(test, HEADER_TIMEOUT + SLACK + 5_000);
    log.info("measured: a silent connection closed after {} ms", maxMs.get());
  }

  @Test
  void idleKeepAliveConnectionIsClosedAfterTheIdleTimeoutNotBefore() throws Throwable {
    VertxTestContext test = new VertxTestContext();
    AtomicLong maxMs = new AtomicLong();
    open(test, (so, timers) -> so.write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), test.checkpoint(), maxMs,
        IDLE_TIMEOUT - 200, IDLE_TIMEOUT + SLACK, true);
    await(test, IDLE_TIMEOUT + SLACK + 5_000);
    log.info("measured: an idle keep-alive connection closed {} ms after its answer", maxMs.get());
  }

  @Test
  void nextRequestHeadTrickledSlowlyIsClosedToo() throws Throwable {
    // One honest request, then the next head one byte at a time: each byte resets the idle
    // timer, so only a header timer armed by the first byte of the next head can close it.
    VertxTestContext test = new VertxTestContext();
    AtomicLong maxMs = new AtomicLong();
    open(test, (so, timers) -> {
      so.write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      timers.add(vertx.setTimer(200, t -> {
        so.write("GET /health/live HTTP/1.1\r\nX-Slow: ");
        timers.add(vertx.setPeriodic(250, id -> so.write("a")));
      }));
    }, test.checkpoint(), maxMs, HEADER_TIMEOUT - 200, 200 + HEADER_TIMEOUT + SLACK, false);
    await(test, HEADER_TIMEOUT + SLACK + 5_000);
  }

  @Test
  void sseStreamSurvivesWellPastTheIdleTimeout() throws Exception {
    HttpClient client = vertx.createHttpClient();
    try {
      String token = StreamTestSupport.token(vertx, config, USER, List.of(GUILD), 600);
      SseClient stream = SseClient.open(port, "/api/stream", bearer(token));
      assertEquals(200, stream.status());
      long until = System.currentTimeMillis() + 2 * IDLE_TIMEOUT + 1_000;
      while (System.currentTimeMillis() < until) {
        assertFalse(stream.ended().isDone(), "the stream was closed by an edge timeout");
        try {
          stream.ended().get(200, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException stillOpen) {
          // expected
        }
      }
      assertFalse(stream.ended().isDone(), "the stream was closed by an edge timeout");
    } finally {
      client.close().await();
    }
  }
}
