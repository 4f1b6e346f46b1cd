package dev.discordbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ADMIN_PORT (issue 22): when set, /metrics, /health/* and /internal/events are served on the
 * admin port only and the public port answers 404 for them (any method); the public API stays on
 * the public port and is not served on the admin port. Unset: everything on one port, as before.
 */
class AdminPortTest {
  static Node split;
  static Node single;

  @BeforeAll
  static void start() {
    split = E2e.start(new JsonObject().put("ADMIN_PORT", "0"));
    single = E2e.start(new JsonObject());
  }

  @AfterAll
  static void stop() {
    split.stop().await();
    single.stop().await();
  }

  static E2e.Response admin(String path, String... headers) {
    return E2e.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + split.adminPort() + path)).GET(), headers);
  }

  @Test
  void operatorRoutesMoveToTheAdminPort() {
    assertNotNull(split.adminPort(), "ADMIN_PORT=0 binds a free port");
    E2e.await(15_000, "ready on the admin port", () -> admin("/health/ready").status() == 200);
    assertEquals(200, admin("/health/live").status());
    E2e.Response metrics = admin("/metrics");
    assertEquals(200, metrics.status());
    assertTrue(metrics.body().contains("bridge_http_connections"), "the node's metrics are on the admin port");
    for (String path : List.of("/metrics", "/health/live", "/health/ready")) {
      E2e.Response r = E2e.get(split, path);
      assertEquals(404, r.status(), path + " on the public port");
      assertEquals("NOT_FOUND", r.error().getString("code"));
    }
    E2e.Response ingest = E2e.post(split, "/internal/events", "{\"v\":1,\"events\":[]}", "Authorization", "Bearer x");
    assertEquals(404, ingest.status(), "/internal/events on the public port");
  }

  @Test
  void ingestionAnswersOnTheAdminPort() {
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + split.adminPort() + "/internal/events"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"v\":1,\"events\":[]}"));
    E2e.Response r = E2e.send(request, "Authorization", "Bearer not-the-link-token");
    assertEquals(401, r.status(), "the admin port checks the link token as the public port did");
    assertNotNull(r.header("X-Trace-Id"));
  }

  @Test
  void publicApiStaysOnThePublicPort() throws Exception {
    String token = E2e.token(split, "111111111111111111", List.of("222222222222222222"));
    try (SseClient stream = SseClient.open(split.httpPort(), "/api/stream", Map.of("Authorization", "Bearer " + token))) {
      assertEquals(200, stream.status());
      assertEquals("ready", stream.next("ready", 10_000).name());
    }
    assertEquals(404, admin("/api/stream", "Authorization", "Bearer " + token).status(), "no stream on the admin port");
    assertEquals(404, admin("/").status(), "no page on the admin port");
  }

  @Test
  void withoutAdminPortEverythingStaysOnOnePort() {
    assertNull(single.adminPort());
    E2e.awaitReady(single, 200);
    assertEquals(200, E2e.get(single, "/health/live").status());
    assertEquals(200, E2e.get(single, "/metrics").status());
  }
}
