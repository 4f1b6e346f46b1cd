package dev.discordbridge.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * Fan-out benchmark: the bridge (from its jar, as a separate process) beside nginx + nchan, under
 * the same load. For each server it opens N SSE streams, then for each offered rate publishes
 * 100-byte-content events at a fixed pace (events/s = offered deliveries/s ÷ N) through a warm-up
 * and a measured window, and reports deliveries/s, latency, per-event last-stream time, server
 * CPU per delivery, RSS per stream, missed deliveries and (bridge) command latency during fan-out.
 *
 * <p>Run through {@code bash bench/run.sh}, which pins this JVM to CPU 1; servers are pinned to
 * {@code --server-cpu} (0). Targets 127.0.0.1 only; every phase is bounded in time.
 */
public final class FanoutBench {
  private static final int OPEN_WINDOW = 128;
  private static final long PROBE_TIMEOUT_S = 30;

  private final BenchOptions options;
  private final Vertx vertx;
  private long nextSeq = 1;

  private FanoutBench(BenchOptions options, Vertx vertx) {
    this.options = options;
    this.vertx = vertx;
  }

  public static void main(String[] args) {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println(e.getMessage());
      }
      System.err.print(BenchOptions.USAGE);
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

  private static int run(BenchOptions options) throws Exception {
    long openFiles = openFilesLimit();
    if (openFiles > 0 && openFiles < options.streams() + 200L) {
      throw new IllegalStateException("the open-files limit (" + openFiles + ") is too low for " + options.streams()
          + " streams: raise it (ulimit -n 20000; bench/run.sh does) or use fewer --streams");
    }
    Files.createDirectories(options.workDir().resolve("target"));
    ChildProcesses.install(options.workDir().resolve("target/bench-pids"));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.groups() + 2)
        .setWorkerPoolSize(2).setBlockedThreadCheckInterval(10).setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS));
    try {
      var bench = new FanoutBench(options, vertx);
      List<ResultRow> rows = new ArrayList<>();
      List<Sweep.Summary> summaries = new ArrayList<>();
      boolean worked = true;
      for (String server : options.servers()) {
        List<ResultRow> serverRows = bench.runServer(server);
        rows.addAll(serverRows);
        if (options.sweep() != null) {
          var summary = Sweep.Summary.of(serverRows.get(0).server(), options.streams(), serverRows);
          summaries.add(summary);
          log("%s: sweep: %s", summary.server(), summary.verdict(options.sweep()));
          // A step not held is the sweep's result; only a server that never got to measure is an error.
          worked &= serverRows.get(0).ok();
        } else {
          worked &= serverRows.stream().allMatch(ResultRow::ok);
        }
      }
      String report = report(options, rows);
      if (options.sweep() != null) {
        report += options.sweep().report(summaries);
      }
      System.out.println();
      System.out.print(report);
      Path out = options.workDir().resolve(options.out());
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, report);
      System.out.println("\nwritten to " + out);
      return worked ? 0 : 1;
    } finally {
      Bench.awaitQuietly(vertx.close(), 10);
    }
  }

  private List<ResultRow> runServer(String server) {
    Target target = "bridge".equals(server) ? new BridgeTarget(vertx, options) : new NchanTarget(vertx, options);
    List<SseLoop> groups = new ArrayList<>();
    List<String> deployments = new ArrayList<>();
    List<ResultRow> rows = new ArrayList<>();
    int n = options.streams();
    try {
      log("%s: starting", target.name());
      target.start();
      long pid = target.measuredPid();
      Thread.sleep(500);
      long rssBefore = ProcStats.rssKb(pid);

      for (int g = 0; g < options.groups(); g++) {
        groups.add(new SseLoop(SseLoop.THREAD_PREFIX + g, options.batchMicros()));
      }
      log("%s: opening %d streams over %d event loops", target.name(), n, groups.size());
      long t0 = System.nanoTime();
      List<CompletableFuture<Void>> opening = new ArrayList<>();
      for (int g = 0; g < groups.size(); g++) {
        final int gg = g;
        int[] mine = java.util.stream.IntStream.range(0, n).filter(i -> i % options.groups() == gg).toArray();
        opening.add(groups.get(g).open(mine, target.streamSpec(), OPEN_WINDOW / groups.size()));
      }
      Bench.await(CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)), 60 + n / 100);
      log("%s: %d streams open in %.1f s", target.name(), n, (System.nanoTime() - t0) / 1e9);

      probe(target, groups);
      Thread.sleep(1000);
      long rssAfter = ProcStats.rssKb(pid);
      double rssPerStream = (rssAfter - rssBefore) / (double) n;
      log("%s: RSS %d KB before streams, %d KB with %d streams open: %.1f KB per stream", target.name(),
          rssBefore, rssAfter, n, rssPerStream);

      CommandProbe commands = null;
      if (target.commands() != null && options.commandsPerSecond() > 0) {
        commands = new CommandProbe(target.commands(), options.commandsPerSecond());
        deployments.add(Bench.await(vertx.deployVerticle(commands), 10));
      }
      for (int rate : options.rates()) {
        ResultRow row;
        try {
          row = runRate(target, groups, commands, rate, rssPerStream);
        } catch (Exception e) {
          log("%s at %d deliveries/s failed: %s", target.name(), rate, e);
          row = ResultRow.failed(target.name(), n, rate, String.valueOf(e.getMessage()));
        }
        rows.add(row);
        String why = options.sweep() == null ? null : Sweep.whyNotHeld(row);
        if (why != null) {
          log("%s: %,d deliveries/s not held (%s): the sweep ends here", target.name(), rate, why);
          break;
        }
      }
    } catch (Exception e) {
      log("%s failed: %s", target.name(), e.getMessage());
      // A sweep stops at its first failed step: only the current one is reported.
      int until = options.sweep() == null ? options.rates().size() : rows.size() + 1;
      for (int rate : options.rates().subList(rows.size(), Math.min(until, options.rates().size()))) {
        rows.add(ResultRow.failed(target.name(), n, rate, firstLine(String.valueOf(e.getMessage()))));
      }
    } finally {
      for (String d : deployments) {
        Bench.awaitQuietly(vertx.undeploy(d), 10);
      }
      groups.forEach(SseLoop::close);
      target.stop();
      log("%s: stopped", target.name());
    }
    return rows;
  }

  /** Publishes probe events until every stream has received one: the path is live end to end. */
  private void probe(Target target, List<SseLoop> groups) throws Exception {
    long first = nextSeq;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PROBE_TIMEOUT_S);
    int reached = 0;
    while (System.nanoTime() < deadline) {
      long seq = nextSeq++;
      target.publish(BenchEvents.eventJson(seq, BenchEvents.now()));
      Thread.sleep(100);
      reached = 0;
      for (SseLoop g : groups) {
        reached += Bench.await(g.streamsReached(first), 10);
      }
      if (reached == options.streams()) {
        return;
      }
    }
    throw new IllegalStateException("only " + reached + " of " + options.streams()
        + " streams received a probe event within " + PROBE_TIMEOUT_S + " s " + target.notes());
  }

  private ResultRow runRate(Target target, List<SseLoop> groups, CommandProbe commands, int rate,
                            double rssPerStream) throws Exception {
    int n = options.streams();
    double eventsPerSecond = rate / (double) n;
    int warmEvents = (int) Math.round(eventsPerSecond * options.warmup());
    int measured = Math.max(1, (int) Math.round(eventsPerSecond * options.seconds()));
    long from = nextSeq + warmEvents;
    for (SseLoop g : groups) {
      Bench.await(g.beginRun(from, measured), 10);
    }
    log("%s: %,d deliveries/s = %.2f events/s x %d streams; warm-up %d s, measuring %d s", target.name(), rate,
        eventsPerSecond, n, options.warmup(), options.seconds());

    long pid = target.measuredPid();
    long self = ProcessHandle.current().pid();
    double interval = 1e9 / eventsPerSecond;
    long[] sent = new long[measured];
    long start = BenchEvents.now() + 10_000_000L;
    long t1 = 0;
    long d1 = 0;
    long c1 = 0;
    long s1 = 0;
    ProcStats.ThreadsCpu th1 = null;
    int total = warmEvents + measured;
    if (commands != null) {
      commands.warm();
    }
    for (int k = 0; k < total; k++) {
      Bench.sleepUntil(start + (long) (k * interval));
      if (k == warmEvents) {
        t1 = BenchEvents.now();
        d1 = delivered(groups);
        c1 = ProcStats.cpuMicros(pid);
        s1 = ProcStats.cpuMicros(self);
        th1 = ProcStats.threads(SseLoop.THREAD_PREFIX);
        if (commands != null) {
          commands.begin();
        }
      }
      long seq = nextSeq++;
      long now = BenchEvents.now();
      if (k >= warmEvents) {
        sent[k - warmEvents] = now;
      }
      target.publish(BenchEvents.eventJson(seq, now));
    }
    Bench.sleepUntil(start + (long) (total * interval));
    long t2 = BenchEvents.now();
    long d2 = delivered(groups);
    long c2 = ProcStats.cpuMicros(pid);
    long s2 = ProcStats.cpuMicros(self);
    ProcStats.ThreadsCpu th = ProcStats.threads(SseLoop.THREAD_PREFIX).minus(th1);
    CommandProbe.Result cmd = commands == null ? null : Bench.await(commands.end(), 15);

    long expected = (long) measured * n;
    long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.drain());
    while (System.nanoTime() < drainUntil && measuredReceived(groups) < expected) {
      Thread.sleep(20);
    }
    List<SseLoop.Result> results = new ArrayList<>();
    for (SseLoop g : groups) {
      results.add(Bench.await(g.endRun(), 10));
    }

    Histogram latency = SseLoop.newHistogram();
    Histogram lastStream = SseLoop.newHistogram();
    long received = 0;
    int alive = 0;
    int shortStreams = 0;
    int disconnects = 0;
    int resets = 0;
    for (var r : results) {
      latency.add(r.latencyMicros());
      alive += r.streamsAlive();
      shortStreams += r.streamsShort();
      disconnects += r.disconnects();
      resets += r.resets();
    }
    int incompleteEvents = 0;
    for (int i = 0; i < measured; i++) {
      int got = 0;
      long last = 0;
      for (var r : results) {
        got += r.got()[i];
        last = Math.max(last, r.lastNanos()[i]);
      }
      received += got;
      if (got >= n) {
        lastStream.recordValue(Math.max(0, (last - sent[i]) / 1000));
      } else {
        incompleteEvents++;
      }
    }

    double window = (t2 - t1) / 1e9;
    long deliveries = d2 - d1;
    var notes = new StringBuilder(target.notes());
    if (incompleteEvents > 0) {
      notes.append(incompleteEvents).append(" of ").append(measured).append(" events missed by some stream; ");
    }
    if (shortStreams > 0) {
      notes.append(shortStreams).append(" streams missed events; ");
    }
    if (alive < n || disconnects > 0) {
      notes.append("streams open ").append(alive).append('/').append(n).append(", disconnects ").append(disconnects).append("; ");
    }
    if (resets > 0) {
      notes.append("reset events ").append(resets).append("; ");
    }
    Double cmdP50 = null;
    Double cmdP99 = null;
    if (cmd != null) {
      notes.append("commands ").append(cmd.outcomes().entrySet().stream().map(e -> e.getKey() + "×" + e.getValue())
          .collect(Collectors.joining(" "))).append(" of ").append(cmd.sent()).append("; ");
      if (cmd.latencyMicros().getTotalCount() > 0) {
        cmdP50 = cmd.latencyMicros().getValueAtPercentile(50) / 1000.0;
        cmdP99 = cmd.latencyMicros().getValueAtPercentile(99) / 1000.0;
      }
    }
    if (deliveries > 0) {
      // The load generator's own cost, to tell how far it is from measuring itself.
      String client = String.format("load generator %.1f µs CPU per delivery (SSE loops: user %.1f, kernel %.1f, "
              + "%.2f wake-ups; other threads %.1f)", (s2 - s1) / (double) deliveries,
          th.userMicros() / (double) deliveries, th.kernelMicros() / (double) deliveries,
          th.wakeUps() / (double) deliveries, th.otherMicros() / (double) deliveries);
      log("%s: %,d deliveries/s: %s", target.name(), rate, client);
      notes.append(client).append("; ");
    }
    notes.append(String.format("%.2f events/s, %d measured", eventsPerSecond, measured));
    var row = new ResultRow(target.name(), n, rate, deliveries / window,
        pct(latency, 50), pct(latency, 99), latency.getTotalCount() == 0 ? null : latency.getMaxValue() / 1000.0,
        pct(lastStream, 50), pct(lastStream, 99),
        deliveries == 0 ? null : (c2 - c1) / (double) deliveries,
        (c2 - c1) / (window * 1e4), rssPerStream, Math.max(0, expected - received), cmdP50, cmdP99,
        (s2 - s1) / (window * 1e4), notes.toString());
    log("%s", row.markdown().trim());
    return row;
  }

  private static Double pct(Histogram h, double p) {
    return h.getTotalCount() == 0 ? null : h.getValueAtPercentile(p) / 1000.0;
  }

  private static long delivered(List<SseLoop> groups) {
    long sum = 0;
    for (SseLoop g : groups) {
      sum += g.delivered;
    }
    return sum;
  }

  private static long measuredReceived(List<SseLoop> groups) {
    long sum = 0;
    for (SseLoop g : groups) {
      sum += g.measuredReceived;
    }
    return sum;
  }

  static String report(BenchOptions o, List<ResultRow> rows) {
    var sb = new StringBuilder();
    sb.append("# Fan-out benchmark results\n\n");
    sb.append("- date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
    sb.append("- machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPU visible to the load generator; ")
        .append(cpuModel()).append("; kernel ").append(System.getProperty("os.version")).append("; Java ")
        .append(System.getProperty("java.version")).append('\n');
    sb.append(String.format("- load: %d streams, %d s measured after %d s warm-up per rate, drain ≤ %d s, "
            + "%d client event loops%s, %.1f command POSTs/s (bridge); servers pinned to CPU %d, load generator to the other%n",
        o.streams(), o.seconds(), o.warmup(), o.drain(), o.groups(),
        o.batchMicros() > 0 ? " (waking at most every " + o.batchMicros() + " µs)" : "", o.commandsPerSecond(), o.serverCpu()));
    if (o.sweep() != null) {
      sb.append("- sweep: ").append(o.sweep().describe()).append(", per server until a step is not held\n");
    }
    sb.append("- events: contract-shaped messageCreate, content of ").append(BenchEvents.CONTENT_LENGTH)
        .append(" characters carrying the send time; bridge events arrive over the upstream WebSocket link, "
            + "nchan events by one keep-alive HTTP POST each\n\n");
    sb.append(ResultRow.header());
    rows.forEach(r -> sb.append(r.markdown()));

    List<String> ratios = new ArrayList<>();
    for (ResultRow b : rows) {
      if (b.server().equals("nginx+nchan") || !b.ok()) {
        continue;
      }
      rows.stream().filter(r -> r.server().equals("nginx+nchan") && r.ok() && r.offered() == b.offered()).findFirst()
          .ifPresent(c -> ratios.add("| " + b.server() + " | " + String.format("%,d", b.offered()) + " | "
              + ratio(b.cpuMicrosPerDelivery(), c.cpuMicrosPerDelivery()) + " | " + ratio(b.p99(), c.p99()) + " | "
              + ratio(b.rssKbPerStream(), c.rssKbPerStream()) + " |\n"));
    }
    if (!ratios.isEmpty()) {
      sb.append("\nRatios server / nginx+nchan at the same load (below 1: less than nchan):\n\n");
      sb.append("| server | offered deliveries/s | CPU per delivery | p99 latency | RSS per stream |\n|---|--:|--:|--:|--:|\n");
      ratios.forEach(sb::append);
    }
    return sb.toString();
  }

  private static String ratio(Double a, Double b) {
    if (a == null || b == null || b == 0) {
      return "n/a";
    }
    return String.format("%.2f", a / b);
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }

  private static long openFilesLimit() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (l.startsWith("Max open files")) {
          return Long.parseLong(l.substring(26).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Unknown: let the run find out.
    }
    return -1;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  static void log(String format, Object... args) {
    System.out.printf("[bench %s] %s%n", java.time.LocalTime.now().withNano(0), String.format(format, args));
    System.out.flush();
  }
}
