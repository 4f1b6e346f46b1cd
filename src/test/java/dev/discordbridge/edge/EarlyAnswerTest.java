package dev.discordbridge.edge;

import static dev.discordbridge.edge.TestEvents.GUILD;
import static dev.discordbridge.edge.TestEvents.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 9 item 5: an answer sent before the body is read (413, 401, 415) must reach a keep-alive
 * client whole, and the client's next request on that socket must either be answered or have
 * been warned off by {@code Connection: close} (then the connection ends cleanly, no reset).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EarlyAnswerTest {
  static Vertx vertx;
  static BridgeConfig config;
  static int port;
  static String token;

  @BeforeAll
  static void setUp() {
    vertx = StreamTestSupport.edgeVertx();
    port = StreamTestSupport.freePort();
    config = BridgeConfig.parse(StreamTestSupport.baseConfig(port).put("HTTP_BODY_LIMIT_BYTES", 1024));
    StreamTestSupport.deploy(vertx, config, 2);
    token = StreamTestSupport.token(vertx, config, USER, List.of(GUILD), 600);
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  static String post(String path, String auth, String type, int bodyBytes) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (auth == null ? "" : "Authorization: Bearer " + auth + "\r\n")
        + "Content-Type: " + type + "\r\nContent-Length: " + bodyBytes + "\r\n\r\n" + "x".repeat(bodyBytes);
  }

  /** The early answer is read whole; then the same socket serves the next request, or was told to close. */
  static void answeredThenUsable(String request, int status) throws IOException {
    try (RawHttp c = new RawHttp(port, 5_000)) {
      RawHttp.Response first = c.send(request).read();
      assertNotNull(first, "the early answer must reach the client");
      assertEquals(status, first.status(), first.body());
      assertTrue(first.body().contains("\"error\""), first.body());
      if (first.saysClose()) {
        assertEquals(RawHttp.End.EOF, c.awaitEnd(), "after Connection: close the server ends the connection cleanly");
        return;
      }
      RawHttp.Response second = c.send("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").read();
      assertNotNull(second, "the connection was kept without Connection: close, so the next request must be answered");
      assertEquals(200, second.status());
    }
  }

  @Test
  void tooLargeAnnouncedByContentLength() throws IOException {
    answeredThenUsable(post("/api/commands/sendMessage", token, "application/json", 5_000), 413);
  }

  @Test
  void unauthenticatedCommandWithABody() throws IOException {
    answeredThenUsable(post("/api/commands/sendMessage", null, "application/json", 600), 401);
  }

  @Test
  void unauthenticatedIngestWithABody() throws IOException {
    answeredThenUsable(post("/internal/events", null, "application/json", 600), 401);
  }

  @Test
  void notJsonWithABody() throws IOException {
    answeredThenUsable(post("/api/commands/sendMessage", token, "text/plain", 600), 415);
  }

  @Test
  void bodyArrivingAfterTheAnswer() throws IOException {
    // As a keep-alive agent does it: the head first; the answer comes before the body is sent.
    String request = post("/api/commands/sendMessage", token, "application/json", 5_000);
    int split = request.indexOf("\r\n\r\n") + 4;
    try (RawHttp c = new RawHttp(port, 5_000)) {
      RawHttp.Response first = c.send(request.substring(0, split)).read();
      assertNotNull(first, "the early answer must reach the client");
      assertEquals(413, first.status());
      c.send(request.substring(split));
      if (first.saysClose()) {
        assertEquals(RawHttp.End.EOF, c.awaitEnd(), "after Connection: close the server ends the connection cleanly");
        return;
      }
      RawHttp.Response second = c.send("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").read();
      assertNotNull(second, "the connection was kept without Connection: close, so the next request must be answered");
      assertEquals(200, second.status());
    }
  }

  @Test
  void severalEarlyAnswersInARowOnOneKeepAliveSocket() throws IOException {
    // A keep-alive agent reuses its socket: 20 oversized posts, one after the other on it, must
    // give 20 readable answers, and the socket must still serve a request afterwards.
    try (RawHttp c = new RawHttp(port, 5_000)) {
      for (int i = 0; i < 20; i++) {
        RawHttp.Response r = c.send(post("/api/commands/sendMessage", token, "application/json", 2_000)).read();
        assertNotNull(r, "answer " + (i + 1) + " of 20 must reach the client");
        assertEquals(413, r.status());
        assertTrue(!r.saysClose(), "a short announced body is drained: the connection is kept");
      }
      RawHttp.Response last = c.send("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").read();
      assertNotNull(last);
      assertEquals(200, last.status());
    }
  }

  @Test
  void hugeBodyStillGetsTheWholeAnswer() throws Exception {
    // Past the drain bound the server stops reading; the client must still read the 413 whole.
    int size = 4 << 20;
    try (RawHttp c = new RawHttp(port, 10_000)) {
      c.send("POST /api/commands/sendMessage HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
          + "\r\nContent-Type: application/json\r\nContent-Length: " + size + "\r\n\r\n");
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        try {
          byte[] chunk = new byte[64 * 1024];
          for (int sent = 0; sent < size; sent += chunk.length) {
            c.send(chunk);
          }
        } catch (IOException expected) {
          // the server may stop reading and close; the answer is what matters
        }
      });
      RawHttp.Response first = c.read();
      assertNotNull(first, "the 413 must reach the client");
      assertEquals(413, first.status());
      assertTrue(first.saysClose(), "an answer after which the server stops reading must say Connection: close");
      writer.get(20, TimeUnit.SECONDS);
    }
  }
}
