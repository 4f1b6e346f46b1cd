package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.testing.BridgeProcess;
import dev.discordbridge.testing.Poll;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Two bridge JVMs in direct mode, clustered on loopback, against the fake Discord with two
 * shards: each node holds one shard; killing the node that also holds the link (the sequencer),
 * kill -9, makes the other take its shard and the link over and resume the shard's session, and
 * every message reaches the surviving node's stream exactly once, in order, including those
 * Discord sent while nobody held the shard. Discord's permissions hold on either node, before and
 * after the failover: a channel hidden by an overwrite on one node's shard is absent from the other
 * node's stream, and commands there are refused by whichever node holds the link.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DiscordClusterIT {
  static final String TOKEN = "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.cluster-it-bot-token";
  static final String SECRET = "discord-cluster-it-secret-" + UUID.randomUUID();
  /** A staff channel of the shard-0 guild, hidden from @everyone (created by the test). */
  static final String STAFF = "1181471853712130063";
  static final String ANA = "1181471853712130101";
  /** A text channel of each guild ({@link #guilds}). */
  static final String[] CHANNELS = {"1181471853712130061", "1181471853712130062"};
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  Vertx vertx;
  FakeDiscord discord;
  Authenticator tokens;
  final List<BridgeProcess> nodes = new ArrayList<>();
  /** A guild on shard 0 and one on shard 1 ({@code (id >> 22) % 2}). */
  final String[] guilds = new String[2];

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    discord = FakeDiscord.start(vertx, TOKEN, 2, 2).await();
    discord.gateway.heartbeatIntervalMs(1_000);
    tokens = new Authenticator(vertx, new BridgeConfig.Auth(SECRET, null, "HS256", false, false));
    for (long g = 1181471853712130048L; guilds[0] == null || guilds[1] == null; g += 1L << 22) {
      guilds[(int) ((g >> 22) % 2)] = Long.toString(g);
    }
    for (int i = 0; i < 2; i++) {
      discord.guild(guilds[i], List.of(CHANNELS[i]), List.of());
    }
    String cluster = "discord-it-" + UUID.randomUUID();
    int basePort = 16_000 + (int) (Math.random() * 20_000);
    for (int i = 0; i < 2; i++) {
      Map<String, String> env = new HashMap<>(discord.settings(TOKEN));
      env.put("AUTH_JWT_SECRET", SECRET);
      env.put("CLUSTER_NAME", cluster);
      env.put("CLUSTER_PORT", String.valueOf(basePort + i));
      env.put("CLUSTER_MEMBERS", "127.0.0.1:" + basePort + ",127.0.0.1:" + (basePort + 1));
      env.put("CLUSTER_MEMBER_TIMEOUT_SECONDS", "5");
      env.put("CLUSTER_LEASE_MS", "2000");
      env.put("CLUSTER_QUORUM", "1");
      env.put("LINK_BACKOFF_BASE_MS", "100");
      env.put("LINK_BACKOFF_MAX_MS", "1000");
      env.put("VERTICLES_SSE_ROUTER_INSTANCES", "1");
      env.put("RATE_LIMIT_USER", "1000/10s"); // the test's one user sends a few dozen commands
      env.put("RATE_LIMIT_CHANNEL", "1000/10s");
      nodes.add(BridgeProcess.start("discord-node-" + i, BridgeProcess.freePort(), env, "--cluster"));
    }
    for (BridgeProcess n : nodes) {
      n.awaitLine("listening on port").get(90, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  void stop() throws Exception {
    for (BridgeProcess n : nodes) {
      n.close();
    }
    if (discord != null) {
      discord.stop().await();
    }
    vertx.close().await();
  }

  static String base(BridgeProcess n) {
    return "http://127.0.0.1:" + n.httpPort();
  }

  static int ready(BridgeProcess n) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(base(n) + "/health/ready")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  /** The shards {@code n} holds now, from its log: gained minus handed over or lost. */
  static List<Integer> held(BridgeProcess n) {
    List<Integer> held = new ArrayList<>();
    for (String line : n.lines()) {
      var gained = java.util.regex.Pattern.compile("now holds Discord shard (\\d+)").matcher(line);
      var gone = java.util.regex.Pattern.compile("handing shard (\\d+) over|Discord shard (\\d+) is held by|lease of Discord shard (\\d+)")
          .matcher(line);
      if (gained.find()) {
        held.add(Integer.parseInt(gained.group(1)));
      } else if (gone.find()) {
        String id = gone.group(1) != null ? gone.group(1) : gone.group(2) != null ? gone.group(2) : gone.group(3);
        held.remove(Integer.valueOf(Integer.parseInt(id)));
      }
    }
    return held;
  }

  static void await(long timeoutMs, String what, java.util.function.BooleanSupplier condition) {
    Poll.until(timeoutMs, what, condition);
  }

  JsonObject message(int shard, String id, String content) {
    return new JsonObject().put("id", id).put("guild_id", guilds[shard]).put("channel_id", CHANNELS[shard]).put("content", content)
        .put("timestamp", "2026-12-02T12:00:00.000000+00:00")
        .put("author", new JsonObject().put("id", ANA).put("username", "ana"));
  }

  @Test
  void eachNodeHoldsAShardAndAKilledNodesShardResumesOnTheOtherWithNothingLost() throws Exception {
    await(90_000, "each node holding one shard", () -> held(nodes.get(0)).size() == 1 && held(nodes.get(1)).size() == 1);
    await(30_000, "both nodes ready", () -> ready(nodes.get(0)) == 200 && ready(nodes.get(1)) == 200);
    String token = tokens.mint("1181471853712130199", List.of(guilds[0], guilds[1]), 3_600);
    // The victim holds the link (the sequencer) and a shard: both move to the survivor.
    int victim = nodes.get(0).lines().stream().anyMatch(l -> l.contains("now holds the upstream link")) ? 0 : 1;
    int orphan = held(nodes.get(victim)).get(0);
    BridgeProcess survivor = nodes.get(1 - victim);
    SseClient stream = SseClient.open(base(survivor), "/api/stream?guild=" + guilds[0] + "&guild=" + guilds[1], token, null);
    assertEquals(200, stream.status());
    assertNotNull(stream.next("ready", 10_000));

    List<String> expected = new ArrayList<>();
    long id = 1181471853712140000L;
    for (int i = 0; i < 10; i++) {
      int shard = i % 2;
      discord.gateway.dispatch(shard, "MESSAGE_CREATE", message(shard, Long.toString(id++), "before-" + i)).await();
      expected.add("before-" + i);
    }
    assertEquals(sorted(expected), sorted(contents(stream, 10)), "both shards' events reach a stream on either node");
    // Whichever node takes the command, the link holder knows both guilds' channels (each shard on another node).
    for (BridgeProcess n : nodes) {
      assertChannelsChecked(n, token);
    }
    assertEchoes(stream, 4);
    // Permissions: a channel hidden on shard 0's guild (whichever node holds that shard) is absent
    // from the survivor's stream, and commands there are refused before reaching Discord.
    discord.gateway.dispatch(0, "CHANNEL_CREATE", new JsonObject().put("id", STAFF).put("guild_id", guilds[0]).put("type", 0)
        .put("permission_overwrites", new io.vertx.core.json.JsonArray().add(new JsonObject().put("id", guilds[0])
            .put("type", 0).put("allow", "0").put("deny", Long.toString(1L << 10))))).await();
    await(10_000, "the hidden channel known to the link holder", () -> {
      try {
        return sendMessage(survivor, token, guilds[0], STAFF).statusCode() == 403;
      } catch (Exception e) {
        return false;
      }
    });
    assertHidden(stream, token, id);
    id += 2;

    long killedAt = System.currentTimeMillis();
    nodes.get(victim).kill();
    // Discord goes on sending on the dead node's shard: kept in its session, replayed on resume.
    List<String> during = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      discord.gateway.dispatch(orphan, "MESSAGE_CREATE", message(orphan, Long.toString(id++), "during-" + i)).await();
      during.add("during-" + i);
    }
    List<String> got = contents(stream, 20);
    long firstReplayAt = System.currentTimeMillis();
    assertEquals(during, got, "every message of the orphaned shard once, in order");
    await(30_000, "the survivor holding both shards", () -> held(survivor).size() == 2);
    assertTrue(survivor.lines().stream().anyMatch(l -> l.contains("starting Discord shard " + orphan + " of 2 by resuming session")),
        "the orphaned shard was resumed on the survivor, not identified again");
    assertTrue(survivor.lines().stream().anyMatch(l -> l.contains("now holds the upstream link")), "the survivor sequences now");
    assertEquals(2, discord.gateway.received(2).size(), "one Identify per shard, ever");
    discord.gateway.dispatch(0, "MESSAGE_CREATE", message(0, Long.toString(id++), "after-0")).await();
    discord.gateway.dispatch(1, "MESSAGE_CREATE", message(1, Long.toString(id++), "after-1")).await();
    assertEquals(List.of("after-0", "after-1"), sorted(contents(stream, 2)));
    assertEquals(List.of(), contents(stream, 0), "no duplicate arrives later");
    // The new link holder followed the index all along: no GUILD_CREATE came again, yet it knows.
    assertChannelsChecked(survivor, token);
    assertEchoes(stream, 2);
    assertHidden(stream, token, id);
    id += 2;
    stream.close();
    System.out.printf("FIGURES discord shard failover: kill -9 to all 20 replayed events on the survivor's stream: %d ms%n",
        firstReplayAt - killedAt);
  }

  /** A command to a guild's own channel is delivered; to the other guild's channel it is refused 403. */
  void assertChannelsChecked(BridgeProcess n, String token) throws Exception {
    for (int g = 0; g < 2; g++) {
      HttpResponse<String> own = sendMessage(n, token, guilds[g], CHANNELS[g]);
      assertEquals(200, own.statusCode(), own.body());
      HttpResponse<String> other = sendMessage(n, token, guilds[g], CHANNELS[1 - g]);
      assertEquals(403, other.statusCode(), other.body());
      assertEquals("CHANNEL_NOT_IN_GUILD", new JsonObject(other.body()).getJsonObject("error").getString("reason"));
    }
  }

  /** A message in the staff channel never reaches the stream; a command there is 403 MISSING_PERMISSION on every live node. */
  void assertHidden(SseClient stream, String token, long id) throws Exception {
    discord.gateway.dispatch(0, "MESSAGE_CREATE", message(0, Long.toString(id), "staff only").put("channel_id", STAFF)).await();
    discord.gateway.dispatch(0, "MESSAGE_CREATE", message(0, Long.toString(id + 1), "public")).await();
    assertEquals(List.of("public"), contents(stream, 1), "the hidden channel's message is not written");
    for (BridgeProcess n : nodes) {
      if (n.alive()) {
        HttpResponse<String> r = sendMessage(n, token, guilds[0], STAFF);
        assertEquals(403, r.statusCode(), r.body());
        assertEquals("MISSING_PERMISSION", new JsonObject(r.body()).getJsonObject("error").getString("reason"));
      }
    }
    assertTrue(discord.rest.requests("POST", "/channels/" + STAFF).isEmpty(), "nothing reached Discord for the staff channel");
  }

  /** The bot's own messages come back on the stream like anyone's (Discord's MESSAGE_CREATE echo). */
  static void assertEchoes(SseClient stream, int count) throws InterruptedException {
    for (String content : contents(stream, count)) {
      assertTrue(content.startsWith("to "), content);
    }
  }

  static HttpResponse<String> sendMessage(BridgeProcess n, String token, String guild, String channel) throws Exception {
    JsonObject body = new JsonObject().put("guildId", guild).put("channelId", channel).put("content", "to " + channel);
    return HTTP.send(HttpRequest.newBuilder(URI.create(base(n) + "/api/commands/sendMessage"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static List<String> sorted(List<String> l) {
    return l.stream().sorted().toList();
  }

  /** The next {@code count} messageCreate contents; with 0, whatever arrives within 2 s (should be nothing). */
  static List<String> contents(SseClient stream, int count) throws InterruptedException {
    List<String> out = new ArrayList<>();
    if (count == 0) {
      SseClient.Event e;
      while ((e = stream.next("messageCreate", 2_000)) != null) {
        out.add(e.json().getJsonObject("data").getString("content"));
      }
      return out;
    }
    for (int i = 0; i < count; i++) {
      SseClient.Event e = stream.next("messageCreate", 60_000);
      assertNotNull(e, "message " + i + " of " + count + " (got " + out + ")");
      out.add(e.json().getJsonObject("data").getString("content"));
    }
    return out;
  }
}
