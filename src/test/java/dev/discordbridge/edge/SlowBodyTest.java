package dev.discordbridge.edge;

import static dev.discordbridge.edge.TestEvents.GUILD;
import static dev.discordbridge.edge.TestEvents.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.testing.LogCapture;
import dev.discordbridge.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 25 item 3: a slow body cannot hold a connection. Sockets that post a 1 MB body without a
 * token, one byte at a time, get their 401 and are closed within the body timeout; a command
 * whose body trickles gets 408 and is closed; and at the connection cap, connections that only
 * drain a body are shed like those that never sent a head. Scaled down: HTTP_BODY_TIMEOUT_MS=1000,
 * 60 sockets, a byte every 300 ms.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SlowBodyTest {
  private static final Logger log = LoggerFactory.getLogger(SlowBodyTest.class);
  static final long BODY_TIMEOUT_MS = 1_000;
  static final int SOCKETS = 60;
  static final int CAP = 16;
  static Vertx vertx;
  static int port;
  static int cappedPort;
  static String token;

  @BeforeAll
  static void setUp() {
    vertx = StreamTestSupport.edgeVertx();
    port = StreamTestSupport.freePort();
    BridgeConfig config = BridgeConfig.parse(StreamTestSupport.baseConfig(port).put("HTTP_BODY_TIMEOUT_MS", BODY_TIMEOUT_MS));
    StreamTestSupport.deploy(vertx, config, 2);
    token = StreamTestSupport.token(vertx, config, USER, List.of(GUILD), 600);
    cappedPort = StreamTestSupport.freePort();
    // A long body timeout: here only the cap may close the draining connections.
    StreamTestSupport.deploy(vertx, BridgeConfig.parse(StreamTestSupport.baseConfig(cappedPort)
        .put("HTTP_MAX_CONNECTIONS", CAP).put("HTTP_BODY_TIMEOUT_MS", 60_000).put("HTTP_HEADER_TIMEOUT_MS", 60_000)), 2);
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  static String head(String path, String auth, int length) {
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (auth == null ? "" : "Authorization: Bearer " + auth + "\r\n")
        + "Content-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n";
  }

  /** A socket that sends a head and then a byte every {@code everyMs}, recording what it reads and when it closes. */
  static final class Trickle {
    final NetSocket socket;
    final StringBuilder read = new StringBuilder();
    final AtomicLong answeredAt = new AtomicLong();
    final AtomicLong closedAt = new AtomicLong();
    long timer;

    Trickle(NetSocket socket) {
      this.socket = socket;
    }
  }

  static List<Trickle> open(NetClient net, int port, int count, String head, long everyMs) {
    List<Trickle> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Trickle t = new Trickle(net.connect(port, "127.0.0.1").await());
      t.socket.handler(b -> {
        synchronized (t.read) {
          t.read.append(b.toString());
          if (t.answeredAt.get() == 0 && t.read.indexOf("\r\n\r\n") > 0) {
            t.answeredAt.set(System.currentTimeMillis());
          }
        }
      });
      t.socket.closeHandler(v -> {
        t.closedAt.set(System.currentTimeMillis());
        vertx.cancelTimer(t.timer);
      });
      t.socket.write(head + "{");
      t.timer = vertx.setPeriodic(everyMs, id -> {
        if (t.closedAt.get() == 0) {
          t.socket.write(Buffer.buffer(" "));
        }
      });
      all.add(t);
    }
    return all;
  }

  static long closed(List<Trickle> all) {
    return all.stream().filter(t -> t.closedAt.get() > 0).count();
  }

  @Test
  void slowUnauthenticatedBodiesAreClosedSoonAfterTheirAnswer() {
    NetClient net = vertx.createNetClient();
    long started = System.currentTimeMillis();
    List<Trickle> all = open(net, port, SOCKETS, head("/api/commands/sendMessage", null, 1_000_000), 300);
    Poll.until(10_000, "every socket got its 401", () -> all.stream().allMatch(t -> t.answeredAt.get() > 0));
    assertTrue(all.stream().allMatch(t -> t.read.toString().startsWith("HTTP/1.1 401")), "each gets its 401");
    int live = 0;
    for (int i = 0; i < 5; i++) {
      live += RawHttp.live(port) == 200 ? 1 : 0;
    }
    assertEquals(5, live, "/health/live answers while the slow bodies trickle");
    try {
      Poll.until(BODY_TIMEOUT_MS + 8_000, "all " + SOCKETS + " sockets closed after their answer",
          () -> closed(all) == SOCKETS);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ": " + closed(all) + " of " + SOCKETS + " closed "
          + (System.currentTimeMillis() - started) + " ms after opening", e);
    }
    long worst = all.stream().mapToLong(t -> t.closedAt.get() - t.answeredAt.get()).max().orElse(-1);
    log.info("measured: {} sockets trickling a 1 MB body without a token, HTTP_BODY_TIMEOUT_MS={}: all answered 401"
        + " and closed, at most {} ms after the answer; /health/live 5 of 5", SOCKETS, BODY_TIMEOUT_MS, worst);
    net.close().await();
  }

  @Test
  void aCommandOrBatchWhoseBodyTricklesGets408AndIsClosedQuietly() {
    NetClient net = vertx.createNetClient();
    try (LogCapture logs = new LogCapture()) {
      List<Trickle> slow = open(net, port, 3, head("/api/commands/sendMessage", token, 200), 300);
      slow.addAll(open(net, port, 3, head("/internal/events", StreamTestSupport.LINK_TOKEN, 200), 300));
      Poll.until(BODY_TIMEOUT_MS + 8_000, "the slow commands and batches are answered and closed", () -> closed(slow) == 6);
      for (Trickle t : slow) {
        String answer = t.read.toString();
        assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
        assertTrue(answer.toLowerCase().contains("connection: close"), answer);
      }
      assertEquals(0, logs.atLeast(Level.WARN), "a client's slow body is no failure of ours:\n" + logs.dump());
    }
    net.close().await();
  }

  @Test
  void aSlowBodyToAnyOtherRouteIsClosedToo() {
    NetClient net = vertx.createNetClient();
    List<Trickle> all = open(net, port, 4, head("/no/such/route", null, 1_000_000), 300);
    all.addAll(open(net, port, 4, head("/health/live", null, 1_000_000), 300));
    Poll.until(BODY_TIMEOUT_MS + 8_000, "every socket answered and closed", () -> closed(all) == all.size());
    assertTrue(all.stream().allMatch(t -> t.answeredAt.get() > 0), "each got its answer first");
    net.close().await();
  }

  @Test
  void atTheCapConnectionsThatOnlyDrainABodyAreShed() throws IOException {
    NetClient net = vertx.createNetClient();
    List<Trickle> draining = open(net, cappedPort, CAP, head("/internal/events", null, 1_000_000), 1_000);
    Poll.until(10_000, "every draining socket got its 401", () -> draining.stream().allMatch(t -> t.answeredAt.get() > 0));
    for (int i = 0; i < 5; i++) {
      assertEquals(200, RawHttp.live(cappedPort), "/health/live must answer with the port full of draining sockets");
    }
    assertTrue(closed(draining) >= 1, "draining connections were shed to make room");
    try (RawHttp c = new RawHttp(cappedPort, 5_000)) {
      RawHttp.Response r = c.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").read();
      assertNotNull(r);
    }
    net.close().await();
  }
}
