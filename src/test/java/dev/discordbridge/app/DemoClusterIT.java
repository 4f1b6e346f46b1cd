package dev.discordbridge.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.testing.BridgeProcess;
import dev.discordbridge.testing.Poll;
import dev.discordbridge.testing.SseClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The README's cluster recipe (issue 22), as a new user runs it: demo nodes started with
 * {@code --cluster} and nothing else set. They share one demo token secret (a token from any node
 * works on every node) and one simulated upstream (stopping the link holder moves the link, and a
 * stream on a survivor goes on with the same upstream session: no {@code reset}, no seq skipped).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DemoClusterIT {
  static final String HOLDS = "now holds the upstream link";
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final List<BridgeProcess> nodes = new ArrayList<>();
  String cluster;
  int basePort;

  @BeforeAll
  void startCluster() throws Exception {
    cluster = "demo-it-" + UUID.randomUUID();
    basePort = 16_000 + (int) (Math.random() * 20_000);
    for (int i = 0; i < 2; i++) {
      nodes.add(BridgeProcess.start("demo-" + i, BridgeProcess.freePort(), env(i), "--cluster"));
    }
    for (BridgeProcess n : nodes) {
      n.awaitLine("listening on port").get(90, TimeUnit.SECONDS);
    }
    for (BridgeProcess n : nodes) {
      Poll.until(60_000, n.name() + " ready", () -> {
        try {
          return get(n, "/health/ready", null).statusCode() == 200;
        } catch (java.io.UncheckedIOException notYet) {
          return false;
        }
      });
    }
  }

  /** Only what the test needs to run beside others (its own cluster name and ports) and to fail over quickly. */
  Map<String, String> env(int i) {
    Map<String, String> env = new HashMap<>();
    env.put("CLUSTER_NAME", cluster);
    env.put("CLUSTER_PORT", String.valueOf(basePort + i));
    env.put("CLUSTER_MEMBERS", "127.0.0.1:" + basePort + ",127.0.0.1:" + (basePort + 1));
    env.put("CLUSTER_MEMBER_TIMEOUT_SECONDS", "5");
    env.put("SIM_EVENTS_PER_SEC", "20");
    env.put("SSE_HEARTBEAT_MS", "1000");
    env.put("VERTICLES_SSE_ROUTER_INSTANCES", "1");
    return env;
  }

  @AfterAll
  void stopCluster() throws Exception {
    for (BridgeProcess n : nodes) {
      n.close();
    }
  }

  @Test
  @Order(1)
  void aDemoTokenFromAnyNodeWorksOnEveryNode() throws Exception {
    for (BridgeProcess from : nodes) {
      String token = get(from, "/api/demo/token?format=raw", null).body().trim();
      for (BridgeProcess on : nodes) {
        HttpResponse<String> me = get(on, "/api/me", token);
        assertEquals(200, me.statusCode(), "a token from " + from.name() + " on " + on.name() + ": " + me.body());
      }
    }
  }

  @Test
  @Order(2)
  void stoppingTheLinkHolderMovesTheLinkWithoutAReset() throws Exception {
    BridgeProcess holder = nodes.stream().filter(n -> n.lines().stream().anyMatch(l -> l.contains(HOLDS))).findFirst()
        .orElseThrow();
    BridgeProcess survivor = nodes.stream().filter(n -> n != holder).findFirst().orElseThrow();
    String token = get(survivor, "/api/demo/token?format=raw", null).body().trim();
    try (SseClient stream = SseClient.open("http://127.0.0.1:" + survivor.httpPort(), "/api/stream", token, null)) {
      assertEquals(200, stream.status());
      List<SseClient.Event> events = new ArrayList<>();
      collect(stream, events, 10, 20_000);
      holder.kill();
      long killedAt = System.currentTimeMillis();
      survivor.awaitLine(HOLDS).get(60, TimeUnit.SECONDS);
      int before = events.size();
      collect(stream, events, before + 20, 60_000);
      long seq = -1;
      long firstAfterKill = -1;
      for (SseClient.Event e : events) {
        long s = e.json().getJsonObject("trace").getLong("upstreamSeq");
        assertTrue(seq < 0 || s == seq + 1, "upstream seq " + s + " after " + seq + ": nothing skipped, nothing twice");
        seq = s;
        if (firstAfterKill < 0 && e.at() > killedAt) {
          firstAfterKill = e.at();
        }
      }
      System.out.printf("demo cluster failover: holder killed, %d events on the survivor's stream before, %d after, "
          + "first event %d ms after the kill, upstream seq consecutive, no reset%n", before, events.size() - before,
          firstAfterKill - killedAt);
    }
  }

  /** Reads until {@code events} holds {@code count} events (heartbeats skipped); fails on a reset or the stream's end. */
  private static void collect(SseClient stream, List<SseClient.Event> events, int count, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (events.size() < count) {
      SseClient.Event e = stream.next(Math.max(1, deadline - System.currentTimeMillis()));
      assertNotNull(e, "only " + events.size() + " of " + count + " events in time");
      assertTrue(!"reset".equals(e.name()), "a reset on the survivor's stream: " + e.data());
      assertTrue(!SseClient.CLOSED.equals(e.name()), "the survivor's stream ended");
      if (e.id() != null && e.data() != null && e.data().contains("\"upstreamSeq\"")) {
        events.add(e);
      }
    }
  }

  private static HttpResponse<String> get(BridgeProcess n, String path, String token) {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.httpPort() + path)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    try {
      return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
