package dev.discordbridge.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Command throughput ({@code bash bench/run.sh --commands}): the bridge from a jar ({@code --jar},
 * so that the same load measures another build), hub mode (the benchmark's {@link Hub} acks every
 * command), no streams, the command journal on (a fresh directory under target/), pinned to one
 * CPU; keep-alive clients offer command POSTs at each rate in steps. Per step: answered/s, latency
 * p50/p99/p99.9, errors (anything but 200/202, transport errors, unanswered), the bridge's CPU and
 * its CPU per command.
 */
final class CommandBench {
  static final String USAGE = """
      usage: bash bench/run.sh --commands [--smoke] [flags]
        --rates A,B,...       offered commands/s, one step each (default 2000,3000,5000,7000; --smoke 300,600)
        --connections N       keep-alive client connections (default 64)
        --seconds S           measured seconds per step (default 15; --smoke 3)
        --warmup S            warm-up seconds before each step (default 5; --smoke 2)
        --jar PATH            the bridge jar (default target/bridge.jar), e.g. another build's
        --server-cpu C        CPU the bridge is pinned to (default 0)
        --out PATH            markdown results (default target/bench-commands.md)
        --bridge-jvm "OPTS", --bridge-env K=V   as for the fan-out run (e.g. a JFR recording)
      """;

  record Step(int offered, double answeredPerSecond, long sent, long answered, Histogram latency, long errors,
              String outcomes, double cpuPercent, double cpuMicrosPerCommand, double loadgenCpuPercent) {}

  public static void main(String[] args) {
    List<String> rest = new ArrayList<>();
    String rates = null;
    int connections = 64;
    boolean smoke = false;
    String out = "target/bench-commands.md";
    boolean seconds = false;
    boolean warmup = false;
    try {
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--commands" -> { }
          case "--rates" -> rates = value(args, ++i, a);
          case "--connections" -> connections = Integer.parseInt(value(args, ++i, a));
          case "--out" -> out = value(args, ++i, a);
          case "--help", "-h" -> throw new IllegalArgumentException("");
          default -> {
            smoke |= a.equals("--smoke");
            seconds |= a.equals("--seconds");
            warmup |= a.equals("--warmup");
            if (a.startsWith("--streams") || a.startsWith("--servers") || a.startsWith("--sweep")) {
              throw new IllegalArgumentException(a + " does not apply to the command run");
            }
            rest.add(a);
          }
        }
      }
      if (connections < 1 || connections > 1000) {
        throw new IllegalArgumentException("--connections must be between 1 and 1000");
      }
    } catch (IllegalArgumentException e) {
      System.err.print((e.getMessage() == null || e.getMessage().isEmpty() ? "" : e.getMessage() + "\n") + USAGE);
      System.exit(e.getMessage() == null || e.getMessage().isEmpty() ? 0 : 2);
      return;
    }
    List<String> fanoutArgs = new ArrayList<>(rest);
    fanoutArgs.addAll(List.of("--streams", "1", "--servers", "bridge", "--commands-per-sec", "0", "--out", out));
    if (!seconds) {
      fanoutArgs.addAll(List.of("--seconds", smoke ? "3" : "15"));
    }
    if (!warmup) {
      fanoutArgs.addAll(List.of("--warmup", smoke ? "2" : "5"));
    }
    int code;
    try {
      BenchOptions options = BenchOptions.parse(fanoutArgs.toArray(String[]::new));
      List<Integer> steps = new ArrayList<>();
      for (String r : (rates != null ? rates : smoke ? "300,600" : "2000,3000,5000,7000").split(",")) {
        steps.add(Integer.parseInt(r.trim()));
      }
      code = run(options, steps, connections);
    } catch (Exception e) {
      System.err.println("command benchmark failed: " + e);
      code = 1;
    }
    ChildProcesses.stopAll();
    System.exit(code);
  }

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }

  private static int run(BenchOptions options, List<Integer> steps, int connections) throws Exception {
    Path journal = options.workDir().resolve("target/bench-journal-" + System.currentTimeMillis());
    var env = new java.util.LinkedHashMap<>(options.bridgeEnv());
    env.putIfAbsent("COMMAND_JOURNAL_DIR", journal.toString());
    env.putIfAbsent("COMMAND_QUEUE_CAPACITY", "10000");
    var withJournal = new BenchOptions(options.streams(), options.rates(), null, options.seconds(), options.warmup(),
        options.drain(), options.servers(), options.groups(), options.batchMicros(), 0, options.serverCpu(), options.jar(),
        options.out(), options.workDir(), options.bridgeJvmOptions(), java.util.Map.copyOf(env), options.bridgeClass(),
        options.smoke());
    Files.createDirectories(options.workDir().resolve("target"));
    ChildProcesses.install(options.workDir().resolve("target/bench-pids"));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2));
    var target = new BridgeTarget(vertx, withJournal);
    List<Step> rows = new ArrayList<>();
    try {
      log("bridge %s on CPU %d, journal in %s, %d connections", options.jar(), options.serverCpu(), env.get("COMMAND_JOURNAL_DIR"),
          connections);
      target.start();
      var load = new CommandLoad(target.commands(), connections);
      Bench.await(vertx.deployVerticle(load), 10);
      for (int rate : steps) {
        load.offer(rate);
        Thread.sleep(options.warmup() * 1000L);
        long self = ProcessHandle.current().pid();
        long cpu0 = ProcStats.cpuMicros(target.measuredPid());
        long own0 = ProcStats.cpuMicros(self);
        load.begin();
        Thread.sleep(options.seconds() * 1000L);
        long cpu1 = ProcStats.cpuMicros(target.measuredPid());
        long own1 = ProcStats.cpuMicros(self);
        String depth = metric(target.httpPort(), "bridge_command_queue_depth");
        var r = Bench.await(load.end(10), 20);
        double window = r.windowNanos() / 1e9;
        long ok = r.outcomes().getOrDefault("200", 0L) + r.outcomes().getOrDefault("202", 0L);
        long errors = r.sent() - ok;
        double cpuMicros = cpu1 - cpu0;
        var step = new Step(rate, r.answered() / window, r.sent(), r.answered(), r.latencyMicros(), errors,
            r.outcomes().toString(), cpuMicros / (window * 1e6) * 100, r.answered() == 0 ? 0 : cpuMicros / r.answered(),
            (own1 - own0) / (window * 1e6) * 100);
        rows.add(step);
        log("offered %d/s: answered %.0f/s, p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, errors %d %s, bridge CPU %.0f %%, %.0f µs/command, "
            + "load generator CPU %.0f %%, bridge queue depth at the end %s", rate, step.answeredPerSecond(), ms(step.latency(), 50), ms(step.latency(), 99),
            ms(step.latency(), 99.9), errors, step.outcomes(), step.cpuPercent(), step.cpuMicrosPerCommand(), step.loadgenCpuPercent(), depth);
        Thread.sleep(1000); // the queue settles before the next step
      }
    } finally {
      target.stop();
      Bench.awaitQuietly(vertx.close(), 10);
      deleteTree(journal);
    }
    String report = report(options, connections, rows);
    System.out.println();
    System.out.print(report);
    Path out = options.workDir().resolve(options.out());
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, report);
    System.out.println("\nwritten to " + out);
    return 0;
  }

  static String report(BenchOptions o, int connections, List<Step> rows) {
    var sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "## Command throughput: %s, hub mode, journal on, no streams, bridge on CPU %d, "
        + "%d keep-alive connections, %d s per step after %d s warm-up%s%n%n", o.jar(), o.serverCpu(), connections,
        o.seconds(), o.warmup(), o.smoke() ? " (smoke size: these figures are not comparable)" : ""));
    sb.append("| offered/s | answered/s | p50 (ms) | p99 (ms) | p99.9 (ms) | errors | answers | bridge CPU (% of 1 core) "
        + "| CPU per command (µs) | load generator CPU (% of 1 core) |\n|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|\n");
    for (Step s : rows) {
      sb.append(String.format(Locale.ROOT, "| %d | %.0f | %.1f | %.1f | %.1f | %d | %s | %.0f | %.0f | %.0f |%n", s.offered(),
          s.answeredPerSecond(), ms(s.latency(), 50), ms(s.latency(), 99), ms(s.latency(), 99.9), s.errors(), s.outcomes(),
          s.cpuPercent(), s.cpuMicrosPerCommand(), s.loadgenCpuPercent()));
    }
    sb.append("\nA load generator near 100 % of its core measured itself, not the bridge: such a step says nothing of the bridge.\n");
    if (rows.isEmpty()) {
      sb.append("(no step measured)\n");
    }
    return sb.toString();
  }

  /** A gauge's value from the bridge's /metrics, or "?" when it cannot be read. */
  static String metric(int port, String name) {
    try {
      var http = java.net.http.HttpClient.newHttpClient();
      String text = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
          .timeout(java.time.Duration.ofSeconds(5)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      for (String line : text.split("\n")) {
        if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
          return line.substring(line.lastIndexOf(' ') + 1);
        }
      }
      return "?";
    } catch (Exception e) {
      return "?";
    }
  }

  private static double ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
  }

  private static void log(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[commands] " + format + "%n", args);
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }
}
