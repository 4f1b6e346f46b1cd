package dev.discordbridge.discord;

import dev.discordbridge.bench.ChildProcesses;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Direct mode's fan-out with Discord's channel permissions on and off (docs/benchmarks.md,
 * "Direct mode with permissions"): the same bridge, fake Discord, guild, viewers and load, run
 * with {@code DISCORD_PERMISSIONS=discord} and with {@code DISCORD_PERMISSIONS=token}, modes
 * alternating, each run with a fresh bridge ({@link FanoutRun}). Per run a table row (connect
 * time and member lookups, offered and delivered deliveries/s, all streams got all, latency
 * dispatch → SSE line, bridge CPU and CPU per delivery, RSS), then per mode the medians.
 *
 * <p>Run: {@code bash bench/discord.sh --fanout [--smoke] [flags]} (flags: {@link FanoutOptions#USAGE}),
 * which pins this JVM (the fake Discord and the non-blocking SSE clients) to CPU 1 and the bridge
 * to CPU 0. Everything on 127.0.0.1; every phase bounded in time; the bridges it started are ended
 * on exit (and by discord.sh, from target/bench-discord-pids, should this JVM be killed).
 */
public final class DiscordFanoutBench {
  private DiscordFanoutBench() {}

  public static void main(String[] args) {
    FanoutOptions options;
    try {
      options = FanoutOptions.parse(args);
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println(e.getMessage());
      }
      System.err.print(FanoutOptions.USAGE);
      System.exit(e.getMessage().isEmpty() ? 0 : 2);
      return;
    }
    int code;
    try {
      code = run(options);
    } catch (Exception e) {
      System.err.println("benchmark failed: " + e);
      code = 1;
    }
    ChildProcesses.stopAll();
    System.exit(code);
  }

  private static int run(FanoutOptions o) throws Exception {
    Path workDir = Path.of("").toAbsolutePath();
    Files.createDirectories(workDir.resolve("target"));
    ChildProcesses.install(workDir.resolve("target/bench-discord-pids"));
    Vertx vertx = Vertx.vertx();
    Map<String, List<FanoutRow>> byMode = new LinkedHashMap<>();
    List<FanoutRow> rows = new ArrayList<>();
    try {
      for (int run = 1; run <= o.runs(); run++) {
        for (String mode : o.permissions()) {
          log("run %d of %d, DISCORD_PERMISSIONS=%s; %s", run, o.runs(), mode, load());
          FanoutRow row = new FanoutRun(o, mode, vertx, workDir).run();
          rows.add(row);
          byMode.computeIfAbsent(mode, m -> new ArrayList<>()).add(row);
        }
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    String report = report(o, rows, byMode);
    System.out.println();
    System.out.print(report);
    Path out = workDir.resolve("target/bench-discord-fanout.md");
    Files.writeString(out, report);
    System.out.println("\nwritten to " + out);
    return rows.stream().allMatch(FanoutRow::ok) && rows.stream().allMatch(r -> r.missed() == 0) ? 0 : 1;
  }

  static String report(FanoutOptions o, List<FanoutRow> rows, Map<String, List<FanoutRow>> byMode) {
    var sb = new StringBuilder("# Direct mode fan-out, Discord permissions on and off\n\n");
    sb.append("- date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
    sb.append("- machine: ").append(cpuModel()).append("; ").append(Runtime.getRuntime().availableProcessors())
        .append(" CPU visible to the load generator; Java ").append(System.getProperty("java.version")).append('\n');
    sb.append(String.format("- load: %,d streams of %,d users (%d roles, %d role sets), a guild of %d text channels "
            + "(%d visible to every viewer, where the events go; the rest hidden from some roles), %,d deliveries/s "
            + "offered (%.2f MESSAGE_CREATE/s), %d s measured after %d s warm-up, %d run(s) per mode, modes "
            + "alternating, a fresh bridge per run; bridge pinned to CPU %d, fake Discord and SSE clients to the other%n",
        o.streams(), o.users(), FanoutGuild.ROLES, Math.min(o.users(), 2 * FanoutGuild.ROLES), o.channels(),
        o.channels() / 2, o.rate(), o.eventsPerSecond(), o.seconds(), o.warmup(), o.runs(), o.serverCpu()));
    sb.append("- connect: from the first connect until every stream had its ready event; with permissions on "
        + "each distinct viewer's roles are looked up first (GET member, through the bridge's REST rate limiter)\n");
    sb.append("- latency: from the dispatch leaving the fake's API (this JVM) to the SSE line read; CPU per "
        + "delivery: the bridge's CPU time in the window / deliveries received in it\n\n");
    sb.append("Every run (").append(load()).append("):\n\n").append(FanoutRow.header());
    rows.forEach(r -> sb.append(r.markdown()));
    if (o.runs() > 1) {
      sb.append("\nMedians per mode (").append(load()).append("):\n\n").append(FanoutRow.header());
      List<FanoutRow> medians = new ArrayList<>();
      byMode.forEach((mode, list) -> medians.add(FanoutRow.median(mode, list)));
      medians.forEach(r -> sb.append(r.markdown()));
      FanoutRow on = medians.stream().filter(r -> r.mode().startsWith("discord")).findFirst().orElse(null);
      FanoutRow off = medians.stream().filter(r -> r.mode().startsWith("token")).findFirst().orElse(null);
      if (on != null && off != null && on.cpuMicrosPerDelivery() != null && off.cpuMicrosPerDelivery() != null) {
        sb.append(String.format("%nCPU per delivery with permissions on / off: %.3f (issue #20's bound: 1.10)%n",
            on.cpuMicrosPerDelivery() / off.cpuMicrosPerDelivery()));
      }
    }
    return sb.toString();
  }

  static String load() {
    try {
      return "load average " + Files.readString(Path.of("/proc/loadavg")).trim() + " at " + java.time.Instant.now();
    } catch (IOException e) {
      return "load average unknown";
    }
  }

  static double loadAverage1() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }

  static void log(String format, Object... args) {
    System.out.printf("[discord-fanout %s] %s%n", java.time.LocalTime.now().withNano(0), String.format(format, args));
    System.out.flush();
  }
}
