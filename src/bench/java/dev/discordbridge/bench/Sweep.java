package dev.discordbridge.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The rate sweep ({@code --sweep START,FACTOR,MAX}): offered rates from START, each step FACTOR
 * times the last (rounded to three significant digits), up to MAX; a server's sweep ends at the
 * first step it does not hold. A step is <b>held</b> when delivered/s ≥ 97 % of offered, no
 * delivery of a measured event is missed and latency p99 < 1 s.
 */
record Sweep(int start, double factor, int max) {
  static final Sweep DEFAULT = new Sweep(20_000, 1.25, 200_000);
  static final Sweep SMOKE = new Sweep(2_000, 2, 8_000);

  static final double MIN_DELIVERED_SHARE = 0.97;
  static final double MAX_P99_MS = 1_000;
  /**
   * At or above this CPU (% of one core) a process counts as saturated: the load generator at a
   * failing step means the step measured the client; the server below it means its limit there
   * was not its CPU.
   */
  static final double SATURATED_PERCENT = 90;

  Sweep {
    if (start < 1 || max < start) {
      throw new IllegalArgumentException("--sweep needs 1 ≤ START ≤ MAX, got " + start + " and " + max);
    }
    if (!(factor >= 1.01 && factor <= 10)) {
      throw new IllegalArgumentException("--sweep FACTOR must be between 1.01 and 10, got " + factor);
    }
  }

  /**
   * "START,FACTOR,MAX"; parts left out (or an empty value: {@code --sweep} alone) take
   * {@code defaults}' values, e.g. "30000" or "30000,1.5".
   */
  static Sweep parse(String value, Sweep defaults) {
    String[] p = value.isBlank() ? new String[0] : value.split(",", -1);
    if (p.length > 3) {
      throw new IllegalArgumentException("--sweep takes START,FACTOR,MAX, got " + value);
    }
    try {
      int start = p.length > 0 ? Integer.parseInt(p[0].trim()) : defaults.start();
      double factor = p.length > 1 ? Double.parseDouble(p[1].trim()) : defaults.factor();
      int max = p.length > 2 ? Integer.parseInt(p[2].trim()) : Math.max(defaults.max(), start);
      return new Sweep(start, factor, max);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--sweep takes START,FACTOR,MAX (whole numbers, FACTOR a decimal), got " + value);
    }
  }

  /** The offered rates in order; the last one is MAX. */
  List<Integer> steps() {
    List<Integer> steps = new ArrayList<>();
    double r = start;
    while (true) {
      int step = (int) Math.min(max, new BigDecimal(r).round(new MathContext(3)).longValue());
      if (steps.isEmpty() || step > steps.get(steps.size() - 1)) {
        steps.add(step);
      }
      if (step >= max) {
        return steps;
      }
      r *= factor;
    }
  }

  String describe() {
    return String.format("%,d deliveries/s × %s per step up to %,d", start, BigDecimal.valueOf(factor).stripTrailingZeros().toPlainString(), max);
  }

  /** Why {@code row} is not held, or null when it is. */
  static String whyNotHeld(ResultRow row) {
    if (!row.ok()) {
      return "step failed: " + row.notes().replaceFirst("^FAILED: ", "");
    }
    List<String> why = new ArrayList<>();
    if (row.p99() == null) {
      why.add("no latency measured");
    } else if (row.p99() >= MAX_P99_MS) {
      why.add(String.format("p99 %,.0f ms ≥ %,.0f ms", row.p99(), MAX_P99_MS));
    }
    if (row.delivered() < MIN_DELIVERED_SHARE * row.offered()) {
      why.add(String.format("delivered %,.0f/s < %.0f %% of %,d", row.delivered(), MIN_DELIVERED_SHARE * 100, row.offered()));
    }
    if (row.missed() != null && row.missed() > 0) {
      why.add(String.format("missed %,d", row.missed()));
    }
    return why.isEmpty() ? null : String.join("; ", why);
  }

  /**
   * One server's sweep read from its rows (in step order, ending at the first step not held).
   *
   * @param highestHeld the highest held rate, null when no step was held
   * @param failing the first step not held, null when every step up to MAX was held
   */
  record Summary(String server, int streams, Integer highestHeld, ResultRow failing, String why) {

    static Summary of(String server, int streams, List<ResultRow> rows) {
      Integer held = null;
      for (ResultRow r : rows) {
        String why = whyNotHeld(r);
        if (why != null) {
          return new Summary(server, streams, held, r, why);
        }
        held = r.offered();
      }
      return new Summary(server, streams, held, null, null);
    }

    /** The load generator was (near) saturated at the failing step: the step measured the client. */
    boolean clientBound() {
      return failing != null && failing.loadgenCpuPercent() != null && failing.loadgenCpuPercent() >= SATURATED_PERCENT;
    }

    /** The failing step says something about the server: not the client's limit, not an error. */
    boolean serverLimit() {
      return failing != null && failing.ok() && !clientBound();
    }

    String verdict(Sweep sweep) {
      String held = highestHeld == null ? "no step was held" : String.format("held %,d", highestHeld);
      if (failing == null) {
        return String.format("held every step up to %,d: its limit is above that (raise MAX)", sweep.max());
      }
      if (clientBound()) {
        return String.format("the load generator used %.0f %% of its core at %,d: this step measured the client, "
                + "not the server, so the server's limit is not known (%s)", failing.loadgenCpuPercent(), failing.offered(), held);
      }
      if (!failing.ok()) {
        return "the step failed before it could be measured (" + held + "); see the log";
      }
      if (highestHeld == null) {
        return String.format("not held at the lowest step (%,d): lower START", failing.offered());
      }
      String limit = String.format("the server's limit on this machine lies between %,d and %,d deliveries/s",
          highestHeld, failing.offered());
      if (!serverSaturated()) {
        limit += String.format(" (its CPU was at %s %% there, below %.0f %%: not a CPU limit; see that step's notes)",
            ResultRow.num(failing.serverCpuPercent(), "%.0f"), SATURATED_PERCENT);
      }
      return limit;
    }

    /** The server's process used (nearly) all of its core at the failing step. */
    boolean serverSaturated() {
      return failing != null && failing.serverCpuPercent() != null && failing.serverCpuPercent() >= SATURATED_PERCENT;
    }

    String markdown(Sweep sweep) {
      return "| " + server + " | " + streams + " | " + (highestHeld == null ? "none" : String.format("%,d", highestHeld))
          + " | " + (failing == null ? "none" : String.format("%,d", failing.offered()))
          + " | " + (why == null ? "" : why.replace("|", "/"))
          + " | " + (failing == null ? "n/a" : ResultRow.num(failing.serverCpuPercent(), "%.0f"))
          + " | " + (failing == null ? "n/a" : ResultRow.num(failing.loadgenCpuPercent(), "%.0f"))
          + " | " + verdict(sweep).replace("|", "/") + " |\n";
    }
  }

  /** The sweep section of the report: one row per server, and the bridge ÷ nchan ratio when it means something. */
  String report(List<Summary> summaries) {
    var sb = new StringBuilder();
    sb.append("\n## Rate sweep: highest held rate\n\n");
    sb.append(String.format("Steps: %s. Held = delivered/s ≥ %.0f %% of offered, no missed delivery and latency "
            + "p99 < %,.0f ms; a server's sweep ends at its first step not held. At %.0f %% load-generator CPU or more "
            + "the failing step measured the client, not the server.%n%n",
        describe(), MIN_DELIVERED_SHARE * 100, MAX_P99_MS, SATURATED_PERCENT));
    sb.append("| server | streams | highest held (deliveries/s) | first step not held | why not held "
        + "| server CPU at that step (% of 1 core) | load generator CPU at that step (% of 1 core) | verdict |\n"
        + "|---|--:|--:|--:|---|--:|--:|---|\n");
    summaries.forEach(s -> sb.append(s.markdown(this)));
    String ratio = ratio(summaries);
    if (ratio != null) {
      sb.append('\n').append(ratio).append('\n');
    }
    return sb.toString();
  }

  /** A note for each server whose failing step did not saturate its core. */
  private static String caveat(Summary... servers) {
    List<String> notSaturated = new ArrayList<>();
    for (Summary s : servers) {
      if (s.failing() != null && !s.serverSaturated()) {
        notSaturated.add(s.server() + " at " + ResultRow.num(s.failing().serverCpuPercent(), "%.0f") + " %");
      }
    }
    return notSaturated.isEmpty() ? ""
        : "; careful: at the failing step the server's core was not saturated (" + String.join(", ", notSaturated) + ")";
  }

  /** "bridge ÷ nchan highest held rate" when both were swept and the comparison is sound, else why not. */
  static String ratio(List<Summary> summaries) {
    Summary nchan = summaries.stream().filter(s -> s.server().equals("nginx+nchan")).findFirst().orElse(null);
    if (nchan == null) {
      return null;
    }
    List<String> lines = new ArrayList<>();
    for (Summary b : summaries) {
      if (b == nchan) {
        continue;
      }
      String prefix = b.server() + " ÷ nginx+nchan highest held rate: ";
      if (b.highestHeld() == null || nchan.highestHeld() == null) {
        lines.add(prefix + "n/a (a server held no step)");
      } else if (!nchan.serverLimit()) {
        lines.add(prefix + "n/a (nginx+nchan's sweep did not end at a server limit: " + (nchan.failing() == null
            ? "it held every step" : nchan.clientBound() ? "the load generator was saturated" : "its step failed") + ")");
      } else if (b.serverLimit()) {
        lines.add(prefix + String.format("%.2f (%,d ÷ %,d)", b.highestHeld() / (double) nchan.highestHeld(),
            b.highestHeld(), nchan.highestHeld()) + caveat(b, nchan));
      } else if (b.failing() == null || b.clientBound()) {
        lines.add(prefix + String.format("at least %.2f (%,d ÷ %,d; %s)", b.highestHeld() / (double) nchan.highestHeld(),
            b.highestHeld(), nchan.highestHeld(),
            b.failing() == null ? b.server() + " held every step" : "the load generator, not " + b.server() + ", gave out first")
            + caveat(nchan));
      } else {
        lines.add(prefix + "n/a (" + b.server() + "'s step failed)");
      }
    }
    return lines.isEmpty() ? null : String.join("\n", lines.stream().map(l -> "- " + l).toList());
  }
}
