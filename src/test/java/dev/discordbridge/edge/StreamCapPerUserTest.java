package dev.discordbridge.edge;

import static dev.discordbridge.edge.StreamTestSupport.bearer;
import static dev.discordbridge.edge.TestEvents.GUILD;
import static dev.discordbridge.edge.TestEvents.USER;
import static dev.discordbridge.edge.TestEvents.USER_2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.Vertx;
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
 * Issue 25 item 4, contract v1.2 section 2: a user holds at most SSE_MAX_STREAMS_PER_USER streams
 * on a node, counted over every router instance of the node; one more ends that user's oldest
 * stream (an {@code evicted} event, then the end of the response), whichever instance holds it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamCapPerUserTest {
  private static final Logger log = LoggerFactory.getLogger(StreamCapPerUserTest.class);
  static final int MAX = 3;
  static Vertx vertx;
  static BridgeConfig config;
  static int port;

  @BeforeAll
  static void setUp() {
    vertx = StreamTestSupport.edgeVertx();
    port = StreamTestSupport.freePort();
    config = BridgeConfig.parse(StreamTestSupport.baseConfig(port).put("SSE_MAX_STREAMS_PER_USER", MAX)
        .put("SSE_HEARTBEAT_MS", 30_000));
    // Three instances: a user's streams are spread over them (connections go round-robin).
    StreamTestSupport.deploy(vertx, config, 3);
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  static SseClient openReady(String token) throws InterruptedException {
    SseClient c = SseClient.open(port, "/api/stream", bearer(token));
    assertEquals(200, c.status(), c.body());
    assertNotNull(c.next("ready", 5_000), "ready");
    return c;
  }

  @Test
  void oneStreamMoreEndsTheOldestWithAnEvictedEvent() throws Exception {
    String token = StreamTestSupport.token(vertx, config, USER, List.of(GUILD), 600);
    String other = StreamTestSupport.token(vertx, config, USER_2, List.of(GUILD), 600);
    List<SseClient> mine = new ArrayList<>();
    List<SseClient> theirs = new ArrayList<>();
    try {
      for (int i = 0; i < MAX; i++) {
        mine.add(openReady(token));
        theirs.add(openReady(other));
      }
      long opened = System.currentTimeMillis();
      for (int round = 0; round < 4; round++) {
        mine.add(openReady(token));
        SseClient oldest = mine.get(round);
        SseClient.Event evicted = oldest.next("evicted", 5_000);
        assertTrue(evicted != null && "evicted".equals(evicted.name()), "stream " + round
            + " (the oldest) must get an evicted event when stream " + (MAX + round) + " opens, got " + evicted);
        assertEquals(MAX, evicted.json().getInteger("max"), evicted.data());
        assertNotNull(oldest.next(SseClient.CLOSED, 5_000), "then the response ends");
        oldest.ended().get(5, TimeUnit.SECONDS);
      }
      log.info("measured: SSE_MAX_STREAMS_PER_USER={} over 3 router instances: 4 extra streams evicted the 4 oldest"
          + " in {} ms in all", MAX, System.currentTimeMillis() - opened);
      for (int i = 4; i < mine.size(); i++) {
        assertTrue(mine.get(i).drain().stream().noneMatch(e -> "evicted".equals(e.name()) || SseClient.CLOSED.equals(e.name())),
            "the newest " + MAX + " streams stay open");
      }
      for (SseClient c : theirs) {
        assertTrue(c.drain().stream().noneMatch(e -> "evicted".equals(e.name()) || SseClient.CLOSED.equals(e.name())),
            "another user's streams are not touched");
      }
    } finally {
      mine.forEach(SseClient::close);
      theirs.forEach(SseClient::close);
    }
  }
}
