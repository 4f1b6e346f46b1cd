package dev.discordbridge.discord;

import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.testing.BridgeProcess;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Direct Discord mode's figures against the local fake Discord (everything on 127.0.0.1): the
 * bridge (target/bridge.jar, its own JVM, pinned to CPU 0) holds one shard of the fake gateway
 * (zlib-stream); this JVM (CPU 1) is the fake Discord and the SSE clients.
 *
 * <ol>
 *   <li>Events per second through one shard to SSE: MESSAGE_CREATE dispatches at rising rates;
 *       per step, what every stream received, latency (dispatch → SSE line) and the bridge's CPU.</li>
 *   <li>REST commands per second under the fake's limits (5 messages per 5 s per channel, 50
 *       requests per second globally): command POSTs to many channels at once; delivered per
 *       second and the 429s the fake had to answer.</li>
 * </ol>
 * Run: {@code bash bench/discord.sh [--rates 1000,5000,...] [--seconds 10] [--streams 100]
 * [--channels 20] [--commands 200] [--warmup 15]}.
 */
public final class DiscordBench {
  static final String TOKEN = "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.discord-bench-token";
  static final String SECRET = "discord-bench-secret-0123456789abcdef-0123";
  static final String GUILD = "1181471853712130048";
  static final String TEXT = "1181471853712130052";
  static final long NANO_ORIGIN = System.nanoTime();
  static final long EPOCH_ORIGIN = System.currentTimeMillis();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = options(args);
    int[] rates = Arrays.stream(opt.getOrDefault("rates", "1000,5000,10000,20000,40000").split(","))
        .mapToInt(Integer::parseInt).toArray();
    int seconds = Integer.parseInt(opt.getOrDefault("seconds", "10"));
    int streams = Integer.parseInt(opt.getOrDefault("streams", "100"));
    int channels = Integer.parseInt(opt.getOrDefault("channels", "20"));
    int commands = Integer.parseInt(opt.getOrDefault("commands", "200"));

    Vertx vertx = Vertx.vertx();
    FakeDiscord discord = FakeDiscord.start(vertx, TOKEN, 1, 1).await();
    // The bot's guild and the channels the commands go to (commands elsewhere are refused, 403).
    java.util.List<String> channelIds = new java.util.ArrayList<>(List.of(TEXT));
    for (int i = 0; i < channels; i++) {
      channelIds.add(Long.toString(1181471853712131000L + i));
    }
    discord.guild(GUILD, channelIds, List.of());
    Map<String, String> env = new HashMap<>(discord.settings(TOKEN));
    env.put("AUTH_JWT_SECRET", SECRET);
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("RATE_LIMIT_USER", "100000/1s");
    env.put("RATE_LIMIT_CHANNEL", "100000/1s");
    env.put("COMMAND_QUEUE_CAPACITY", "100000");
    env.put("COMMAND_JOURNAL_DIR", Files.createTempDirectory("discord-bench").toString());
    env.put("LOG_FORMAT", "text");
    env.put("SSE_CLIENT_BUFFER_EVENTS", "100000");
    env.put("SSE_CLIENT_BUFFER_BYTES", "67108864");
    // every stream is the same user's: above the default cap (32) the oldest would be evicted
    env.put("SSE_MAX_STREAMS_PER_USER", "100000");
    BridgeProcess bridge = BridgeProcess.start("discord-bench", BridgeProcess.freePort(), env);
    try {
      new ProcessBuilder("taskset", "-a", "-pc", "0", Long.toString(bridge.pid())).start().waitFor();
      bridge.awaitLine("listening on port").get(120, TimeUnit.SECONDS);
      awaitReady(bridge);
      String token = new Authenticator(vertx, new BridgeConfig.Auth(SECRET, null, "HS256", false, false))
          .mint("1181471853712130199", List.of(GUILD), 3_600);
      int warmup = Integer.parseInt(opt.getOrDefault("warmup", "15"));
      if (warmup > 0) {
        System.out.printf("warming up: %d s at %,d events/s (not reported)%n", warmup, rates[0]);
        eventStep(discord, bridge, token, rates[0], warmup, streams, false);
      }
      System.out.printf("%n# direct Discord mode, one shard, zlib-stream, %d streams; %s%n", streams, load());
      System.out.println("| target events/s | dispatched/s | delivered/s per stream | all streams got all | p50 ms | p99 ms | bridge CPU % | CPU µs/delivery |");
      System.out.println("|---|---|---|---|---|---|---|---|");
      for (int rate : rates) {
        eventStep(discord, bridge, token, rate, seconds, streams, true);
      }
      commandStep(discord, bridge, token, channels, commands);
    } finally {
      bridge.close();
      discord.stop().await();
      vertx.close().await();
    }
  }

  static void eventStep(FakeDiscord discord, BridgeProcess bridge, String token, int rate, int seconds, int streams,
                        boolean report) throws Exception {
    List<SseClient> clients = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      SseClient c = SseClient.open("http://127.0.0.1:" + bridge.httpPort(), "/api/stream?guild=" + GUILD, token, null);
      if (c.next("ready", 10_000) == null) {
        throw new IllegalStateException("stream " + i + " not ready");
      }
      clients.add(c);
    }
    int total = rate * seconds;
    long[] latencies = new long[total];
    AtomicInteger measured = new AtomicInteger();
    AtomicLong[] counts = new AtomicLong[streams];
    ExecutorService readers = Executors.newFixedThreadPool(Math.min(streams, 32));
    for (int i = 0; i < streams; i++) {
      counts[i] = new AtomicLong();
      int k = i;
      readers.submit(() -> read(clients.get(k), counts[k], k == 0 ? latencies : null, measured, total));
    }
    long cpuBefore = cpuMicros(bridge.pid());
    long started = System.nanoTime();
    long id = 1181471853800000000L + (long) rate * 1_000_000;
    int sent = 0;
    while (sent < total) {
      long due = (System.nanoTime() - started) * rate / 1_000_000_000L;
      int batch = (int) Math.min(total - sent, Math.max(0, due - sent));
      for (int b = 0; b < batch; b++) {
        discord.gateway.dispatch(0, "MESSAGE_CREATE", message(Long.toString(id++), "t=" + System.nanoTime()));
      }
      sent += batch;
      Thread.sleep(1);
    }
    double sendSeconds = (System.nanoTime() - started) / 1e9;
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline && Arrays.stream(counts).anyMatch(c -> c.get() < total)) {
      Thread.sleep(20);
    }
    double wall = (System.nanoTime() - started) / 1e9;
    long cpu = cpuMicros(bridge.pid()) - cpuBefore;
    readers.shutdownNow();
    clients.forEach(SseClient::close);
    boolean all = Arrays.stream(counts).allMatch(c -> c.get() >= total);
    long delivered = Arrays.stream(counts).mapToLong(AtomicLong::get).sum();
    int n = Math.min(measured.get(), total);
    long[] lat = Arrays.copyOf(latencies, n);
    Arrays.sort(lat);
    if (!report) {
      return;
    }
    System.out.printf("| %,d | %,.0f | %,.0f | %s | %.1f | %.1f | %.0f | %.2f |%n", rate, total / sendSeconds,
        counts[0].get() / wall, all ? "yes" : "no (" + delivered + " of " + (long) total * streams + ")",
        n == 0 ? 0 : lat[n / 2] / 1e6, n == 0 ? 0 : lat[(int) Math.min(n - 1, n * 0.99)] / 1e6,
        cpu / 1e4 / wall, delivered == 0 ? 0 : (double) cpu / delivered);
  }

  static void read(SseClient client, AtomicLong count, long[] latencies, AtomicInteger measured, int total) {
    try {
      while (count.get() < total) {
        SseClient.Event e = client.next("messageCreate", 30_000);
        if (e == null) {
          return;
        }
        count.incrementAndGet();
        if (latencies != null) {
          String content = e.json().getJsonObject("data").getString("content");
          int i = measured.getAndIncrement();
          if (i < latencies.length) {
            long sentNanos = Long.parseLong(content.substring(2));
            latencies[i] = System.nanoTime() - sentNanos;
            if (i % 500 == 0 && Boolean.getBoolean("bench.breakdown")) {
              JsonObject trace = e.json().getJsonObject("trace");
              long sentMs = (sentNanos - NANO_ORIGIN) / 1_000_000 + EPOCH_ORIGIN;
              System.out.printf("  breakdown: fake->holder %d ms, holder->published %d ms, published->client %d ms%n",
                  java.time.Instant.parse(trace.getString("receivedAt")).toEpochMilli() - sentMs,
                  java.time.Instant.parse(trace.getString("publishedAt")).toEpochMilli()
                      - java.time.Instant.parse(trace.getString("receivedAt")).toEpochMilli(),
                  System.currentTimeMillis() - java.time.Instant.parse(trace.getString("publishedAt")).toEpochMilli());
            }
          }
        }
      }
    } catch (InterruptedException ignored) {
      Thread.currentThread().interrupt();
    }
  }

  static void commandStep(FakeDiscord discord, BridgeProcess bridge, String token, int channels, int commands)
      throws Exception {
    int before = discord.rest.requests("POST", "/messages").size();
    ExecutorService senders = Executors.newFixedThreadPool(16);
    List<java.util.concurrent.Future<Integer>> statuses = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < commands; i++) {
      String channel = Long.toString(1181471853712131000L + i % channels);
      String body = new JsonObject().put("guildId", GUILD).put("channelId", channel).put("content", "command " + i).encode();
      statuses.add(senders.submit(() -> HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.httpPort()
              + "/api/commands/sendMessage")).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode()));
    }
    Map<Integer, Integer> byStatus = new java.util.TreeMap<>();
    for (var f : statuses) {
      byStatus.merge(f.get(), 1, Integer::sum);
    }
    long deadline = System.currentTimeMillis() + 300_000;
    while (System.currentTimeMillis() < deadline && discord.rest.messages().size() < commands) {
      Thread.sleep(20);
    }
    double wall = (System.nanoTime() - started) / 1e9;
    senders.shutdownNow();
    int posts = discord.rest.requests("POST", "/messages").size() - before;
    int created = discord.rest.messages().size();
    double limit = Math.min(50.0, channels * 5 / 5.0);
    System.out.printf("%n# REST commands: %d sendMessage over %d channels (fake: 5 per 5 s per channel, 50/s global); %s%n",
        commands, channels, load());
    System.out.println("| messages created | requests sent | 429s answered by the fake | wall s | created/s | fake's ceiling/s | HTTP answers |");
    System.out.println("|---|---|---|---|---|---|---|");
    System.out.printf("| %d | %d | %d | %.1f | %.1f | %.1f (+%d burst) | %s |%n", created, posts, discord.rest.rateLimitedTotal(),
        wall, created / wall, limit, channels * 5, byStatus);
  }

  static JsonObject message(String id, String content) {
    return new JsonObject().put("id", id).put("guild_id", GUILD).put("channel_id", TEXT).put("content", content)
        .put("timestamp", "2026-12-02T12:00:00.000000+00:00")
        .put("author", new JsonObject().put("id", "1181471853712130101").put("username", "ana"));
  }

  static void awaitReady(BridgeProcess bridge) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.httpPort() + "/health/ready")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException ignored) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the bridge did not become ready");
  }

  static long cpuMicros(long pid) throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000L;
  }

  static String load() throws java.io.IOException {
    return "load average " + Files.readString(Path.of("/proc/loadavg")).trim() + ", " + java.time.Instant.now();
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    return o;
  }
}
