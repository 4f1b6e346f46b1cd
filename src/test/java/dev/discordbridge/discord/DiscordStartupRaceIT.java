package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.testing.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three clustered nodes (in one JVM, Hazelcast on loopback) start against the fake Discord with
 * three shards: the first alone, the two others together once it runs a session, while Discord's
 * recommended shard count changes in between. The shards spread over the nodes with one Identify
 * each, never two live sessions of a shard, one shard count, Identifies 5 s apart.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DiscordStartupRaceIT {
  static final String TOKEN = "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.startup-race-bot-token";
  static final String SECRET = "startup-race-secret-0123456789abcdef-0123";
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  Vertx vertx;
  FakeDiscord discord;
  final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (Node n : nodes) {
      n.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (discord != null) {
      discord.stop().await();
    }
    vertx.close().await();
  }

  Future<Node> start(int i, String cluster, int basePort) throws Exception {
    JsonObject s = new JsonObject().put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", "0").put("AUTH_JWT_SECRET", SECRET)
        .put("COMMAND_JOURNAL_DIR", Files.createTempDirectory("race-journal").toString())
        .put("NODE_ID", "race-" + i).put("CLUSTER_ENABLED", "true").put("CLUSTER_NAME", cluster)
        .put("CLUSTER_PORT", String.valueOf(basePort + i))
        .put("CLUSTER_MEMBERS", "127.0.0.1:" + basePort + ",127.0.0.1:" + (basePort + 1) + ",127.0.0.1:" + (basePort + 2))
        .put("CLUSTER_MEMBER_TIMEOUT_SECONDS", "5").put("CLUSTER_LEASE_MS", "2000").put("CLUSTER_QUORUM", "1")
        .put("LINK_BACKOFF_BASE_MS", "100").put("LINK_BACKOFF_MAX_MS", "1000").put("VERTICLES_SSE_ROUTER_INSTANCES", "1");
    discord.settings(TOKEN).forEach(s::put);
    return Node.start(Map.of(), s);
  }

  static int ready(Node n) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.httpPort() + "/health/ready"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  JsonObject limit() {
    return new JsonObject().put("total", 1000).put("remaining", 1000).put("reset_after", 86_400_000).put("max_concurrency", 1);
  }

  @Test
  void threeNodesStartingTogetherRunEachShardOnceWithOneCount() throws Exception {
    vertx = Vertx.vertx();
    discord = FakeDiscord.start(vertx, TOKEN, 3, 1).await();
    discord.gateway.heartbeatIntervalMs(1_000).identifySpacing(5_000, 1);
    String cluster = "race-it-" + UUID.randomUUID();
    int basePort = 16_000 + (int) (Math.random() * 20_000);

    nodes.add(start(0, cluster, basePort).toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS));
    Poll.until(60_000, "a first session on the first node", () -> !shardsIdentified().isEmpty()
        && discord.gateway.sessionId(shardsIdentified().get(0)).toCompletionStage().toCompletableFuture().join() != null);
    // Discord recommends another count before the other nodes start: they must not use it.
    discord.rest.gatewayBot(discord.gateway.url(), 4, limit());
    Future<Node> b = start(1, cluster, basePort);
    Future<Node> c = start(2, cluster, basePort);
    nodes.add(b.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS));
    nodes.add(c.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS));

    Poll.until(120_000, "all three nodes ready", () -> nodes.stream().allMatch(n -> ready(n) == 200));
    Poll.until(30_000, "an Identify for each of the 3 shards", () -> shardsIdentified().size() >= 3);
    // Give a late second session time to show (handovers settle within a few lease periods).
    Thread.sleep(8_000);
    assertEquals(List.of(), discord.gateway.doubleSessions(), "a shard had two live sessions");
    List<JsonArray> shards = discord.gateway.received(2).stream().map(r -> ((JsonObject) r.d()).getJsonArray("shard")).toList();
    assertTrue(shards.stream().allMatch(a -> a.getInteger(1) == 3), "one shard count for the cluster: " + shards);
    assertEquals(3, shards.size(), "one Identify per shard: " + shards);
    List<Long> times = discord.gateway.received(2).stream().map(FakeDiscordGateway.Received::atMs).sorted().toList();
    for (int i = 1; i < times.size(); i++) {
      assertTrue(times.get(i) - times.get(i - 1) >= 5_000, "Identifies " + (times.get(i) - times.get(i - 1)) + " ms apart");
    }
  }

  List<Integer> shardsIdentified() {
    return discord.gateway.received(2).stream().map(r -> ((JsonObject) r.d()).getJsonArray("shard").getInteger(0)).distinct().toList();
  }
}
