package dev.discordbridge.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that reads slowly, but not so slowly that it passes the buffer bound: the server's
 * socket fills (writeQueueFull, drain), bursts arrive while earlier ones are pending, and still
 * every event arrives exactly once, in order.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SlowReaderTest {
  private static final int EVENTS = 3_000;
  private Vertx vertx;
  private int port;
  private BridgeConfig config;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    StreamTestSupport.registerCodec(vertx);
    port = StreamTestSupport.freePort();
    config = BridgeConfig.parse(StreamTestSupport.baseConfig(port)
        .put("SSE_CLIENT_BUFFER_EVENTS", "100000").put("SSE_CLIENT_BUFFER_BYTES", "67108864")
        .put("SSE_HEARTBEAT_MS", "60000").put("HTTP_IDLE_TIMEOUT_MS", "120000"));
    StreamTestSupport.deploy(vertx, config, 1);
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void aSlowButKeepingUpClientGetsEveryEventOnceInOrder() throws Exception {
    String token = StreamTestSupport.token(vertx, config, TestEvents.USER, List.of(TestEvents.GUILD), 600);
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(4_096);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: Bearer "
          + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      byte[] buf = new byte[2_048];
      // Wait for the ready event before publishing.
      while (!received.toString(StandardCharsets.UTF_8).contains("event: ready")) {
        int n = in.read(buf);
        assertTrue(n > 0, "stream closed before ready");
        received.write(buf, 0, n);
      }
      String padding = "x".repeat(900);
      long[] counter = {0};
      long timer = vertx.setPeriodic(5, id -> {
        for (int i = 0; i < 100 && counter[0] < EVENTS; i++) {
          counter[0]++;
          vertx.eventBus().publish(Addresses.EVENTS,
              TestEvents.message(counter[0], TestEvents.GUILD, TestEvents.CHANNEL, "m" + counter[0] + " " + padding));
        }
      });
      String lastId = "id: " + dev.discordbridge.contract.StreamIds.format(TestEvents.id(EVENTS)) + "\n";
      while (!received.toString(StandardCharsets.UTF_8).contains(lastId)) {
        int n = in.read(buf);
        assertTrue(n > 0, "the stream was closed: a keeping-up client must not be cut off");
        received.write(buf, 0, n);
        Thread.sleep(0, 200_000); // a slow reader: the point of the test, not a wait for an event
      }
      vertx.cancelTimer(timer);
      List<Long> ids = new ArrayList<>();
      Matcher m = Pattern.compile("(?m)^id: (\\d+)$").matcher(received.toString(StandardCharsets.UTF_8));
      while (m.find()) {
        ids.add(Long.parseLong(m.group(1)));
      }
      assertEquals(EVENTS, ids.size(), "every event once");
      for (int i = 0; i < ids.size(); i++) {
        assertEquals(TestEvents.id(i + 1), ids.get(i), "in order, no gap, no duplicate at " + i);
      }
    }
  }
}
