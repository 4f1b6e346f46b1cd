package dev.discordbridge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 9 item 6 (RFC 9112 section 6.1): a request that frames its body two ways, or with a
 * transfer coding other than exactly {@code chunked}, gets one 400 with {@code Connection: close}
 * and the connection ends; nothing hidden after it is ever answered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestSmugglingTest {
  static Vertx vertx;
  static int port;

  @BeforeAll
  static void setUp() {
    vertx = StreamTestSupport.edgeVertx();
    port = StreamTestSupport.freePort();
    StreamTestSupport.deploy(vertx, BridgeConfig.parse(StreamTestSupport.baseConfig(port)), 2);
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  static final String SMUGGLED = "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  /** One 400 saying Connection: close, then a clean end: the smuggled request is never answered. */
  static void refusedAndClosed(String raw) throws IOException {
    try (RawHttp c = new RawHttp(port, 5_000)) {
      RawHttp.Response first = c.send(raw).read();
      assertNotNull(first, "the request must be answered, not dropped");
      assertEquals(400, first.status(), first.body());
      assertTrue(first.saysClose(), "a 400 for ambiguous framing must say Connection: close");
      assertNotNull(first.headers().get("x-trace-id"), "every response carries X-Trace-Id");
      assertNull(c.read(), "nothing after the 400: the connection ends and the smuggled request is never answered");
    }
  }

  @Test
  void contentLengthAndChunkedWithARequestHiddenAfterTheBody() throws IOException {
    // Read by Content-Length the body is "0\r\n\r\n"; read as chunked it ends early and the
    // GET behind it would be a second request on the same connection.
    refusedAndClosed("POST /internal/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED);
  }

  @Test
  void chunkedBeforeContentLength() throws IOException {
    refusedAndClosed("POST /internal/events HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
        + "Content-Length: 48\r\n\r\n0\r\n\r\n" + SMUGGLED);
  }

  @Test
  void unknownTransferCodingWithContentLength() throws IOException {
    refusedAndClosed("POST /internal/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: xchunked\r\nContent-Length: 2\r\n\r\n{}" + SMUGGLED);
  }

  @Test
  void transferCodingListNotEndingInChunkedOnly() throws IOException {
    refusedAndClosed("POST /internal/events HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"
        + SMUGGLED);
  }

  @Test
  void plainChunkedIsAcceptedAsFraming() throws IOException {
    try (RawHttp c = new RawHttp(port, 5_000)) {
      RawHttp.Response first = c.send("POST /internal/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n").read();
      assertNotNull(first);
      assertEquals(401, first.status(), "no link token: refused by the route, framing accepted");
      if (first.saysClose()) {
        assertNull(c.read(), "after Connection: close the connection ends cleanly");
        return;
      }
      RawHttp.Response second = c.send(SMUGGLED).read();
      assertNotNull(second, "a well-framed request keeps the connection usable");
      assertEquals(200, second.status());
    }
  }
}
