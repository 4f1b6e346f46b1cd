package dev.discordbridge.discord;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Flags of {@code bash bench/discord.sh --fanout} ({@link DiscordFanoutBench}). */
record FanoutOptions(int streams, int users, int channels, int rate, int seconds, int warmup, int drain, int runs,
                     List<String> permissions, int groups, int openWindow, int serverCpu, String bridgeJvm,
                     boolean smoke) {

  static final String USAGE = """
      usage: bash bench/discord.sh --fanout [--smoke] [flags]
        --streams N         SSE streams (default 10000; --smoke 200)
        --users U           distinct viewers, the streams spread over them evenly (default streams / 5)
        --channels C        text channels of the guild, at least 4 (default 20); the events go to the half
                            every viewer may view, the other half is hidden from some roles
        --rate R            offered deliveries/s = MESSAGE_CREATE dispatches/s x streams (default 20000;
                            --smoke 2000)
        --seconds S         measured seconds (default 10; --smoke 2)
        --warmup S          warm-up seconds before the measurement, after every stream is ready (default 5;
                            --smoke 1)
        --drain S           at most this long to wait for in-flight events afterwards (default 5; --smoke 2)
        --runs K            runs per mode, each with a fresh bridge and fake Discord, modes alternating;
                            with K > 1 the medians are printed too (default 3; --smoke 1)
        --permissions LIST  DISCORD_PERMISSIONS values to compare (default discord,token)
        --groups G          client event loops holding the streams (default 2)
        --open-window W     streams connecting at once (default 128)
        --server-cpu C      CPU the bridge is pinned to (default 0; discord.sh pins this program to another)
        --bridge-jvm "OPTS" JVM options of the bridge, after bin/bridge's defaults (default "-Xmx2g"),
                            e.g. add -XX:StartFlightRecording=... to profile it
      """;

  static FanoutOptions parse(String[] args) {
    Map<String, String> o = new HashMap<>();
    boolean smoke = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--smoke")) {
        smoke = true;
      } else if (a.equals("--fanout")) {
        continue;
      } else if (a.equals("--help") || a.equals("-h")) {
        throw new IllegalArgumentException("");
      } else if (!a.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("unexpected argument or flag without a value: " + a);
      } else {
        o.put(a.substring(2), args[++i]);
      }
    }
    Set<String> known = Set.of("streams", "users", "channels", "rate", "seconds", "warmup", "drain", "runs",
        "permissions", "groups", "open-window", "server-cpu", "bridge-jvm");
    for (String k : o.keySet()) {
      if (!known.contains(k)) {
        throw new IllegalArgumentException("unknown flag --" + k);
      }
    }
    int streams = positive(o, "streams", smoke ? 200 : 10_000);
    List<String> permissions = Arrays.asList(o.getOrDefault("permissions", "discord,token").split(","));
    for (String p : permissions) {
      if (!p.equals("discord") && !p.equals("token")) {
        throw new IllegalArgumentException("--permissions takes discord and/or token, got " + p);
      }
    }
    var options = new FanoutOptions(streams, positive(o, "users", Math.max(1, streams / 5)),
        positive(o, "channels", 20), positive(o, "rate", smoke ? 2_000 : 20_000),
        positive(o, "seconds", smoke ? 2 : 10), nonNegative(o, "warmup", smoke ? 1 : 5),
        nonNegative(o, "drain", smoke ? 2 : 5), positive(o, "runs", smoke ? 1 : 3), List.copyOf(permissions),
        positive(o, "groups", 2), positive(o, "open-window", 128), nonNegative(o, "server-cpu", 0),
        o.getOrDefault("bridge-jvm", "-Xmx2g"), smoke);
    if (options.users > streams) {
      throw new IllegalArgumentException("--users (" + options.users + ") must not exceed --streams (" + streams + ")");
    }
    if ((streams + options.users - 1) / options.users > 32) {
      throw new IllegalArgumentException("more than 32 streams per user (SSE_MAX_STREAMS_PER_USER): raise --users");
    }
    return options;
  }

  double eventsPerSecond() {
    return rate / (double) streams;
  }

  private static int positive(Map<String, String> o, String name, int dflt) {
    int v = number(o, name, dflt);
    if (v <= 0) {
      throw new IllegalArgumentException("--" + name + " must be positive, got " + v);
    }
    return v;
  }

  private static int nonNegative(Map<String, String> o, String name, int dflt) {
    int v = number(o, name, dflt);
    if (v < 0) {
      throw new IllegalArgumentException("--" + name + " must not be negative, got " + v);
    }
    return v;
  }

  private static int number(Map<String, String> o, String name, int dflt) {
    String s = o.get(name);
    if (s == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(s.replace("_", "").replace(",", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number, got " + s);
    }
  }
}
