package dev.discordbridge.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP_PORT=0 is resolved to one free port before the router instances bind it (they share it);
 * another process may take that port in between. The node then starts again on another port
 * instead of failing (a race seen in multi-node tests on a busy machine).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PortRaceTest {

  @Test
  void aPortTakenBetweenItsChoiceAndItsBindIsChosenAgain() throws Exception {
    try (var taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      AtomicInteger picks = new AtomicInteger();
      BridgeConfig config = BridgeConfig.parse(new JsonObject()
          .put("GATEWAY_WS_URL", "ws://127.0.0.1:9/gateway").put("LINK_TOKEN", "port-race-link-token-0123456789")
          .put("AUTH_JWT_SECRET", "port-race-secret-0123456789abcdef-0123456789")
          .put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", 0).put("NODE_ID", "port-race")
          .put("COMMAND_JOURNAL_DIR", Files.createTempDirectory("port-race").toString()));
      Node node = Node.start(config, host -> picks.getAndIncrement() == 0 ? taken.getLocalPort() : freePort()).await();
      try {
        assertEquals(2, picks.get(), "a second port was chosen after the first was found taken");
        assertNotEquals(taken.getLocalPort(), node.httpPort());
        var live = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + node.httpPort() + "/health/live")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, live.statusCode());
      } finally {
        node.stop().await();
      }
    }
  }

  private static int freePort() {
    try (var s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
