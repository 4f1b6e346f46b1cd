package dev.discordbridge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 9 item 4, the descriptor limit: past HTTP_MAX_CONNECTIONS the edge sheds connections
 * that have not sent a request head, so silent sockets cannot hold more than the cap and
 * /health/live keeps answering on new connections.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionCapTest {
  private static final Logger log = LoggerFactory.getLogger(ConnectionCapTest.class);
  static final int CAP = 16;
  static Vertx vertx;
  static int port;

  @BeforeAll
  static void setUp() {
    vertx = StreamTestSupport.edgeVertx();
    port = StreamTestSupport.freePort();
    // A long header timeout: here only the cap may close the silent sockets.
    StreamTestSupport.deploy(vertx, BridgeConfig.parse(StreamTestSupport.baseConfig(port)
        .put("HTTP_MAX_CONNECTIONS", CAP).put("HTTP_HEADER_TIMEOUT_MS", 60_000)), 2);
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  @Test
  void silentSocketsBeyondTheCapAreShedAndHealthKeepsAnswering() throws Throwable {
    int silent = 3 * CAP;
    NetClient net = vertx.createNetClient();
    VertxTestContext test = new VertxTestContext();
    Checkpoint shed = test.laxCheckpoint(silent - CAP);
    java.util.concurrent.atomic.AtomicInteger closedCount = new java.util.concurrent.atomic.AtomicInteger();
    List<NetSocket> sockets = new ArrayList<>();
    for (int i = 0; i < silent; i++) {
      NetSocket so = net.connect(port, "127.0.0.1").await();
      so.closeHandler(v -> {
        closedCount.incrementAndGet();
        shed.flag();
      });
      sockets.add(so);
    }
    for (int i = 0; i < 10; i++) {
      assertEquals(200, RawHttp.live(port), "/health/live must answer with the port full of silent sockets");
    }
    assertTrue(test.awaitCompletion(10, TimeUnit.SECONDS),
        "at least " + (silent - CAP) + " of " + silent + " silent sockets must have been shed");
    try (RawHttp c = new RawHttp(port, 5_000)) {
      String metrics = c.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").read().body();
      assertTrue(metrics.lines().anyMatch(l -> l.startsWith("bridge_http_connections_closed_total") && l.contains("reason=\"shed\"")
          && !l.endsWith(" 0.0")), "shed connections are counted");
    }
    log.info("measured: {} silent sockets against HTTP_MAX_CONNECTIONS={}: {} shed, /health/live answered 10 of 10",
        silent, CAP, closedCount.get());
    net.close().await();
  }
}
