package dev.discordbridge.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Command-line flags of the fan-out benchmark. */
record BenchOptions(int streams, List<Integer> rates, Sweep sweep, int seconds, int warmup, int drain, List<String> servers,
                    int groups, int batchMicros, double commandsPerSecond, int serverCpu, Path jar, Path out, Path workDir,
                    List<String> bridgeJvmOptions, Map<String, String> bridgeEnv, String bridgeClass, boolean smoke) {

  static final Path NCHAN_MODULE = Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so");
  static final List<String> KNOWN_SERVERS = List.of("bridge", "nchan");

  static final String USAGE = """
      usage: bash bench/run.sh [--smoke] [flags]
        --streams N           SSE streams per server (default 10000; --smoke 50)
        --rates A,B           offered deliveries/s = events/s x streams (default 20000,60000; --smoke 5000)
        --sweep [START,FACTOR,MAX]
                              instead of --rates: per server, rates from START, x FACTOR per step, up to MAX
                              (default 20000,1.25,200000; --smoke 2000,2,8000), each step measured as a rate is,
                              streams kept open, until a step is not held (held = delivered/s >= 97 % of offered,
                              no missed delivery, latency p99 < 1 s); reports the highest held rate, the first
                              step not held and why, and the load generator's CPU there (>= 90 %: the step
                              measured the client). A step not held is a result: the exit code stays 0
        --seconds S           measured seconds per rate (default 20; --smoke 3)
        --warmup S            warm-up seconds before each measurement (default 5; --smoke 1)
        --drain S             at most this long to wait for in-flight events after publishing (default 5; --smoke 2)
        --servers LIST        bridge,nchan (default both; --smoke: bridge, plus nchan when it is installed)
        --groups G            client event loops holding the streams (default 2)
        --batch-us U          a client loop that found ready sockets waits until U µs have passed
                              before it looks again: fewer wake-ups per delivery (default 0 = off)
        --commands-per-sec R  command POSTs per second during each measurement (default 5; 0 = none)
        --server-cpu C        CPU the server is pinned to (default 0; run.sh pins this program to another)
        --jar PATH            the bridge jar (default target/bridge.jar)
        --out PATH            markdown results (default target/bench-results.md)
        --bridge-jvm "OPTS"   JVM options of the bridge process, after bin/bridge's defaults (default "-Xmx2g");
                              --bridge-env BRIDGE_JVM_DEFAULTS=none runs it without the launcher's defaults
        --bridge-env K=V      extra environment of the bridge process (repeatable)
        --bridge-class NAME   run this main class from the benchmark's classpath instead of the jar
                              (dev.discordbridge.bench.ContractStandIn checks the benchmark itself)
      """;

  static BenchOptions parse(String[] args) {
    Map<String, String> flags = new LinkedHashMap<>();
    Map<String, String> env = new LinkedHashMap<>();
    boolean smoke = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--smoke")) {
        smoke = true;
        continue;
      }
      if (a.equals("--sweep") && (i + 1 >= args.length || args[i + 1].startsWith("--"))) {
        flags.put("sweep", "");
        continue;
      }
      if (a.equals("--help") || a.equals("-h")) {
        throw new IllegalArgumentException("");
      }
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument: " + a);
      }
      String name;
      String value;
      int eq = a.indexOf('=');
      if (eq > 0) {
        name = a.substring(2, eq);
        value = a.substring(eq + 1);
      } else {
        name = a.substring(2);
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
        value = args[++i];
      }
      if (name.equals("bridge-env")) {
        int e = value.indexOf('=');
        if (e <= 0) {
          throw new IllegalArgumentException("--bridge-env takes KEY=VALUE, got " + value);
        }
        env.put(value.substring(0, e), value.substring(e + 1));
      } else {
        flags.put(name, value);
      }
    }
    List<String> unknown = new ArrayList<>(flags.keySet());
    unknown.removeAll(List.of("streams", "rates", "sweep", "seconds", "warmup", "drain", "servers", "groups", "batch-us", "commands-per-sec",
        "server-cpu", "jar", "out", "bridge-jvm", "bridge-class"));
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown flag --" + unknown.get(0));
    }

    String defaultServers = smoke ? (Files.exists(NCHAN_MODULE) ? "bridge,nchan" : "bridge") : "bridge,nchan";
    int streams = integer(flags, "streams", smoke ? 50 : 10_000, 1, 100_000);
    List<Integer> rates = new ArrayList<>();
    for (String r : flags.getOrDefault("rates", smoke ? "5000" : "20000,60000").split(",")) {
      rates.add(parseInt("rates", r.trim(), 1, 10_000_000));
    }
    if (flags.containsKey("sweep") && flags.containsKey("rates")) {
      System.err.println("--sweep replaces --rates: --rates " + flags.get("rates") + " is ignored");
    }
    Sweep sweep = flags.containsKey("sweep") ? Sweep.parse(flags.get("sweep"), smoke ? Sweep.SMOKE : Sweep.DEFAULT) : null;
    List<String> servers = Arrays.stream(flags.getOrDefault("servers", defaultServers).split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList();
    for (String s : servers) {
      if (!KNOWN_SERVERS.contains(s)) {
        throw new IllegalArgumentException("--servers takes a comma list of " + KNOWN_SERVERS + ", got " + s);
      }
    }
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("--servers is empty");
    }
    double cps = Double.parseDouble(flags.getOrDefault("commands-per-sec", "5"));
    if (cps < 0 || cps > 1000) {
      throw new IllegalArgumentException("--commands-per-sec must be between 0 and 1000");
    }
    return new BenchOptions(streams, sweep == null ? List.copyOf(rates) : sweep.steps(), sweep,
        integer(flags, "seconds", smoke ? 3 : 20, 1, 3600),
        integer(flags, "warmup", smoke ? 1 : 5, 0, 3600),
        integer(flags, "drain", smoke ? 2 : 5, 0, 600),
        servers,
        integer(flags, "groups", 2, 1, 64),
        integer(flags, "batch-us", 0, 0, 100_000),
        cps,
        integer(flags, "server-cpu", 0, 0, 1023),
        Path.of(flags.getOrDefault("jar", "target/bridge.jar")),
        Path.of(flags.getOrDefault("out", "target/bench-results.md")),
        Path.of("").toAbsolutePath(),
        List.of(flags.getOrDefault("bridge-jvm", "-Xmx2g").trim().split("\\s+")),
        Map.copyOf(env),
        flags.get("bridge-class"),
        smoke);
  }

  private static int integer(Map<String, String> flags, String name, int fallback, int min, int max) {
    String v = flags.get(name);
    return v == null ? fallback : parseInt(name, v, min, max);
  }

  private static int parseInt(String name, String v, int min, int max) {
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new IllegalArgumentException("--" + name + " must be between " + min + " and " + max + ", got " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number, got " + v);
    }
  }
}
