package dev.discordbridge.discord;

import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.bench.Bench;
import dev.discordbridge.bench.BenchEvents;
import dev.discordbridge.bench.ChildProcesses;
import dev.discordbridge.bench.ProcStats;
import dev.discordbridge.bench.SseLoop;
import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;

/**
 * One run of {@link DiscordFanoutBench} in one {@code DISCORD_PERMISSIONS} mode: a fresh fake
 * Discord (this JVM) with the {@link FanoutGuild}, a fresh bridge ({@code bin/bridge}, its own
 * process pinned to the server CPU, one shard of the fake's gateway), the streams opened and timed
 * until every one had its {@code ready} event (with permissions on, each distinct viewer's roles
 * are looked up through the bridge's REST rate limiter first), probe dispatches until every stream
 * got one, then a warm-up and the measured window at a fixed pace of MESSAGE_CREATE dispatches.
 */
final class FanoutRun {
  static final String TOKEN = "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.discord-fanout-token";
  static final String SECRET = "discord-fanout-secret-0123456789abcdef-0123";
  private static final long PROBE_TIMEOUT_S = 30;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final FanoutOptions o;
  private final String mode;
  private final FanoutGuild guild;
  private final Vertx vertx;
  private final Path workDir;
  private final Path log;
  private final List<SseLoop> groups = new ArrayList<>();
  private final AtomicInteger dispatchFailures = new AtomicInteger();
  private FakeDiscord discord;
  private Process bridge;
  private int httpPort;
  private long nextSeq = 1;

  FanoutRun(FanoutOptions o, String mode, Vertx vertx, Path workDir) {
    this.o = o;
    this.mode = mode;
    this.guild = new FanoutGuild(o.channels(), o.users());
    this.vertx = vertx;
    this.workDir = workDir;
    this.log = workDir.resolve("target/bench-discord-bridge.log");
  }

  FanoutRow run() {
    try {
      return measure();
    } catch (Exception e) {
      DiscordFanoutBench.log("%s: failed: %s", mode, e.getMessage());
      return FanoutRow.failed(mode, o.streams(), o.users(), firstLine(String.valueOf(e.getMessage())));
    } finally {
      groups.forEach(SseLoop::close);
      if (bridge != null) {
        ChildProcesses.stop(bridge, 15);
      }
      if (discord != null) {
        try {
          Bench.await(discord.stop(), 10);
        } catch (Exception e) {
          // Stopping anyway.
        }
      }
    }
  }

  private FanoutRow measure() throws Exception {
    discord = Bench.await(FakeDiscord.start(vertx, TOKEN, 1, 1), 30);
    guild.install(discord);
    startBridge();
    long pid = bridge.pid();
    Thread.sleep(500);
    long rssBefore = ProcStats.rssKb(pid);

    int n = o.streams();
    var auth = new Authenticator(vertx, new BridgeConfig.Auth(SECRET, null, "HS256", false, false));
    String[] tokens = new String[o.users()];
    for (int u = 0; u < tokens.length; u++) {
      tokens[u] = auth.mint(FanoutGuild.user(u), List.of(FanoutGuild.GUILD), 6 * 3600);
    }
    // Stream i is user i % users's: the first `users` connects are distinct viewers (one member
    // lookup each with permissions on), the later ones their further tabs.
    var spec = new SseLoop.StreamSpec(new InetSocketAddress("127.0.0.1", httpPort),
        i -> ("GET /api/stream?guild=" + FanoutGuild.GUILD + " HTTP/1.1\r\nHost: 127.0.0.1:" + httpPort
            + "\r\nAuthorization: Bearer " + tokens[i % tokens.length] + "\r\nAccept: text/event-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII), true);
    for (int g = 0; g < o.groups(); g++) {
      groups.add(new SseLoop(SseLoop.THREAD_PREFIX + g, 0));
    }
    int lookupsBefore = discord.rest.requests("GET", "/members/").size();
    int limitedBefore = discord.rest.rateLimitedTotal();
    DiscordFanoutBench.log("%s: opening %,d streams of %,d users, %d connecting at once", mode, n, o.users(),
        o.openWindow());
    long t0 = System.nanoTime();
    List<CompletableFuture<Void>> opening = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      final int gg = g;
      int[] mine = IntStream.range(0, n).filter(i -> i % groups.size() == gg).toArray();
      opening.add(groups.get(g).open(mine, spec, Math.max(1, o.openWindow() / groups.size())));
    }
    Bench.await(CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)), 60 + o.users() / 10 + n / 100);
    double connect = (System.nanoTime() - t0) / 1e9;
    int lookups = discord.rest.requests("GET", "/members/").size() - lookupsBefore;
    int limited = discord.rest.rateLimitedTotal() - limitedBefore;
    DiscordFanoutBench.log("%s: %,d streams ready in %.1f s (%,d member lookups, %d answered 429)", mode, n, connect,
        lookups, limited);

    probe();
    String filter = checkFilter();
    Thread.sleep(1000);
    long rssAfter = ProcStats.rssKb(pid);
    return window(pid, connect, lookups, limited, rssAfter, (rssAfter - rssBefore) / (double) n, filter);
  }

  private FanoutRow window(long pid, double connect, int lookups, int limited, long rssKb, double rssPerStream,
                           String filter) throws Exception {
    int n = o.streams();
    double eps = o.eventsPerSecond();
    int warmEvents = (int) Math.round(eps * o.warmup());
    int measured = Math.max(1, (int) Math.round(eps * o.seconds()));
    long from = nextSeq + warmEvents;
    for (SseLoop g : groups) {
      Bench.await(g.beginRun(from, measured), 10);
    }
    DiscordFanoutBench.log("%s: %,d deliveries/s = %.2f dispatches/s x %,d streams; warm-up %d s, measuring %d s",
        mode, o.rate(), eps, n, o.warmup(), o.seconds());
    long self = ProcessHandle.current().pid();
    double interval = 1e9 / eps;
    long start = BenchEvents.now() + 10_000_000L;
    long t1 = 0;
    long d1 = 0;
    long c1 = 0;
    long s1 = 0;
    double load = 0;
    int total = warmEvents + measured;
    for (int k = 0; k < total; k++) {
      Bench.sleepUntil(start + (long) (k * interval));
      if (k == warmEvents) {
        t1 = BenchEvents.now();
        d1 = delivered();
        c1 = ProcStats.cpuMicros(pid);
        s1 = ProcStats.cpuMicros(self);
        load = DiscordFanoutBench.loadAverage1();
      }
      dispatch(nextSeq++);
    }
    Bench.sleepUntil(start + (long) (total * interval));
    long t2 = BenchEvents.now();
    long d2 = delivered();
    long c2 = ProcStats.cpuMicros(pid);
    long s2 = ProcStats.cpuMicros(self);

    long expected = (long) measured * n;
    long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.drain());
    while (System.nanoTime() < drainUntil && measuredReceived() < expected) {
      Thread.sleep(20);
    }
    Histogram latency = SseLoop.newHistogram();
    long received = 0;
    int alive = 0;
    int disconnects = 0;
    int resets = 0;
    for (SseLoop g : groups) {
      SseLoop.Result r = Bench.await(g.endRun(), 10);
      latency.add(r.latencyMicros());
      alive += r.streamsAlive();
      disconnects += r.disconnects();
      resets += r.resets();
      for (int got : r.got()) {
        received += got;
      }
    }
    double seconds = (t2 - t1) / 1e9;
    long deliveries = d2 - d1;
    var notes = new StringBuilder(filter);
    if (alive < n || disconnects > 0) {
      notes.append("streams open ").append(alive).append('/').append(n).append(", disconnects ").append(disconnects)
          .append("; ");
    }
    if (resets > 0) {
      notes.append("reset events ").append(resets).append("; ");
    }
    if (dispatchFailures.get() > 0) {
      notes.append("dispatches that failed ").append(dispatchFailures.get()).append("; ");
    }
    notes.append(String.format("%.2f dispatches/s, %d measured; load generator %.0f%% of a core", eps, measured,
        (s2 - s1) / (seconds * 1e4)));
    var row = new FanoutRow(mode, n, o.users(), connect, (double) lookups, (double) limited,
        measured * (double) n / seconds, deliveries / seconds, (double) Math.max(0, expected - received),
        pct(latency, 50), pct(latency, 99), (c2 - c1) / (seconds * 1e4),
        deliveries == 0 ? null : (c2 - c1) / (double) deliveries, rssKb / 1024.0, rssPerStream, load,
        notes.toString());
    DiscordFanoutBench.log("%s", row.markdown().trim());
    return row;
  }

  private void dispatch(long seq) {
    discord.gateway.dispatch(0, "MESSAGE_CREATE", guild.message(seq, BenchEvents.now()))
        .onFailure(e -> dispatchFailures.incrementAndGet());
  }

  /**
   * The filter is on (or off) as the mode says: one event in a channel only one role may view
   * reaches exactly the streams of that role's members with permissions on, and every stream
   * with them off. Not counted as a measured event.
   */
  private String checkFilter() throws Exception {
    int n = o.streams();
    int expected = "discord".equals(mode) ? guild.streamsSeeingHidden(n) : n;
    long seq = nextSeq++;
    discord.gateway.dispatch(0, "MESSAGE_CREATE", guild.message(seq, BenchEvents.now(), guild.hiddenChannel()))
        .onFailure(e -> dispatchFailures.incrementAndGet());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int reached = 0;
    while (System.nanoTime() < deadline && reached < expected) {
      Thread.sleep(100);
      reached = reached(seq);
    }
    Thread.sleep(500);
    reached = reached(seq);
    if (reached != expected) {
      throw new IllegalStateException("an event of a channel only role " + guild.hiddenRole() + " may view reached "
          + reached + " streams, expected " + expected + " with DISCORD_PERMISSIONS=" + mode);
    }
    DiscordFanoutBench.log("%s: an event of a channel only one role may view reached %,d of %,d streams, as expected",
        mode, reached, n);
    return String.format("hidden-channel event: %,d of %,d streams, as expected; ", reached, n);
  }

  private int reached(long seq) throws Exception {
    int reached = 0;
    for (SseLoop g : groups) {
      reached += Bench.await(g.streamsReached(seq), 10);
    }
    return reached;
  }

  /** Dispatches probe events until every stream has received one: the path is live end to end. */
  private void probe() throws Exception {
    long first = nextSeq;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PROBE_TIMEOUT_S);
    int reached = 0;
    while (System.nanoTime() < deadline) {
      dispatch(nextSeq++);
      Thread.sleep(100);
      reached = 0;
      for (SseLoop g : groups) {
        reached += Bench.await(g.streamsReached(first), 10);
      }
      if (reached == o.streams()) {
        return;
      }
    }
    throw new IllegalStateException("only " + reached + " of " + o.streams() + " streams received a probe event within "
        + PROBE_TIMEOUT_S + " s");
  }

  private void startBridge() throws Exception {
    Path launcher = workDir.resolve("bin/bridge");
    Path jar = workDir.resolve("target/bridge.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " does not exist: build it with mvn -B -q package -DskipTests");
    }
    httpPort = Bench.freePort();
    var pb = new ProcessBuilder("taskset", "-c", Integer.toString(o.serverCpu()), launcher.toString())
        .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    var env = pb.environment();
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("BRIDGE_JAR", jar.toString());
    env.put("BRIDGE_JAVA_OPTS", o.bridgeJvm());
    env.putAll(discord.settings(TOKEN));
    env.put("AUTH_JWT_SECRET", SECRET);
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("HTTP_PORT", Integer.toString(httpPort));
    env.put("LOG_FORMAT", "text");
    env.put("COMMAND_JOURNAL_DIR", Files.createTempDirectory("discord-fanout").toString());
    // As the hub-mode benchmark: generous buffers and limits, the run measures fan-out, not shedding.
    env.put("SSE_CLIENT_BUFFER_EVENTS", "10000");
    env.put("SSE_CLIENT_BUFFER_BYTES", "8388608");
    env.put("RATE_LIMIT_USER", "100000/1s");
    env.put("RATE_LIMIT_CHANNEL", "100000/1s");
    // Roles fetched during the connects stay fresh through the run: no refetch sweep in the window.
    env.put("DISCORD_MEMBER_TTL_MS", "3600000");
    env.put("DISCORD_PERMISSIONS", mode);
    Files.writeString(log, "---- bench: DISCORD_PERMISSIONS=" + mode + ", bridge on 127.0.0.1:" + httpPort + "\n",
        StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    bridge = pb.start();
    ChildProcesses.add(bridge);
    awaitReady(o.smoke() ? 45 : 90);
  }

  private void awaitReady(int seconds) throws Exception {
    var ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready"))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (!bridge.isAlive()) {
        throw new IllegalStateException("the bridge exited with code " + bridge.exitValue() + " (see " + log + ")");
      }
      try {
        if (HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the bridge was not ready within " + seconds + " s (see " + log + ")");
  }

  private long delivered() {
    long sum = 0;
    for (SseLoop g : groups) {
      sum += g.deliveredSoFar();
    }
    return sum;
  }

  private long measuredReceived() {
    long sum = 0;
    for (SseLoop g : groups) {
      sum += g.measuredReceivedSoFar();
    }
    return sum;
  }

  private static Double pct(Histogram h, double p) {
    return h.getTotalCount() == 0 ? null : h.getValueAtPercentile(p) / 1000.0;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
