package dev.discordbridge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.testing.LogCapture;
import dev.discordbridge.testing.Poll;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 25 item 5: wrong LINK_TOKEN guesses on {@code /internal/events} are throttled per client
 * address (429 with Retry-After after a few failures, whatever token comes next), counted, and
 * summarised in the log.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IngestBruteForceTest {
  private static final Logger log = LoggerFactory.getLogger(IngestBruteForceTest.class);
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

  static String post(String token) {
    return "POST /internal/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
        + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
  }

  @Test
  void wrongTokenGuessesAreThrottledPerAddressAndSummarised() throws IOException {
    int guesses = 400;
    int unauthorized = 0;
    int throttled = 0;
    String retryAfter = null;
    long started = System.currentTimeMillis();
    try (LogCapture logs = new LogCapture();
         RawHttp a = new RawHttp(port, 5_000);
         RawHttp b = new RawHttp(port, 5_000)) {
      for (int i = 0; i < guesses; i++) {
        RawHttp c = i % 2 == 0 ? a : b;
        RawHttp.Response r = c.send(post("guess-" + i + "-0123456789abcdef")).read();
        assertNotNull(r, "guess " + i + " must be answered on its keep-alive socket");
        if (r.status() == 401) {
          unauthorized++;
        } else {
          assertEquals(429, r.status(), r.body());
          throttled++;
          retryAfter = r.headers().get("retry-after");
          assertNotNull(retryAfter, "a 429 carries Retry-After");
        }
      }
      long ms = System.currentTimeMillis() - started;
      // While throttled, even the right token gets 429: no oracle at the full rate.
      RawHttp.Response right = a.send(post(StreamTestSupport.LINK_TOKEN)).read();
      assertNotNull(right);
      assertEquals(429, right.status(), "while the address is throttled the token is not even checked");
      Poll.until(15_000, "a summary line of the refused guesses",
          () -> logs.atLeast(Level.WARN, "throttled=") >= 1);
      long lines = logs.ofLogger(".IngestRoutes"); // other classes' deferred summaries may land meanwhile
      log.info("measured: {} wrong LINK_TOKEN guesses in {} ms on 2 keep-alive sockets: {} answered 401, {} answered 429"
          + " (Retry-After {}), {} log line(s)", guesses, ms, unauthorized, throttled, retryAfter, lines);
      assertTrue(unauthorized <= 10, "only a few guesses are checked before the address is throttled: " + unauthorized);
      assertTrue(lines <= 4, "summarised, not a line per guess:\n" + logs.dump());
    }
  }
}
