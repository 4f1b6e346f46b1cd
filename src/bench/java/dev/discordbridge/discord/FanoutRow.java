package dev.discordbridge.discord;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One measured run of {@link DiscordFanoutBench} (or the medians of several): latencies in ms,
 * a null figure was not measured and prints as "n/a".
 *
 * @param connectSeconds from the first connect until every stream had its {@code ready} event
 * @param memberLookups {@code GET /guilds/{guild}/members/{user}} requests the fake answered during the connects
 * @param rateLimited 429s the fake answered during the connects
 * @param missed expected minus received deliveries of the measured events, over all streams
 * @param cpuPercent the bridge's CPU use during the measured window, in % of one core
 * @param rssMb the bridge's resident memory with every stream open
 * @param load the 1-minute load average when the measurement started
 */
record FanoutRow(String mode, int streams, int users, Double connectSeconds, Double memberLookups, Double rateLimited,
                 Double offered, Double delivered, Double missed, Double p50, Double p99, Double cpuPercent,
                 Double cpuMicrosPerDelivery, Double rssMb, Double rssKbPerStream, Double load, String notes) {

  static FanoutRow failed(String mode, int streams, int users, String why) {
    return new FanoutRow(mode, streams, users, null, null, null, null, null, null, null, null, null, null, null, null,
        null, "FAILED: " + why);
  }

  boolean ok() {
    return delivered != null;
  }

  static String header() {
    return "| DISCORD_PERMISSIONS | streams / users | connect s (member GETs, 429s) | offered deliveries/s "
        + "| delivered/s | all streams got all | latency p50 / p99 (ms) | bridge CPU (% of 1 core) "
        + "| CPU µs per delivery | RSS MB (KB per stream) | load avg | notes |\n"
        + "|---|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|---|\n";
  }

  String markdown() {
    String all = missed == null ? "n/a" : missed == 0 ? "yes" : String.format("no (%,.0f missed)", missed);
    return "| " + mode + " | " + String.format("%,d / %,d", streams, users) + " | " + num(connectSeconds, "%.1f") + " ("
        + num(memberLookups, "%,.0f") + ", " + num(rateLimited, "%,.0f") + ") | " + num(offered, "%,.0f") + " | "
        + num(delivered, "%,.0f") + " | " + all + " | " + num(p50, "%.1f") + " / " + num(p99, "%.1f") + " | "
        + num(cpuPercent, "%.0f") + " | " + num(cpuMicrosPerDelivery, "%.2f") + " | " + num(rssMb, "%.0f") + " ("
        + num(rssKbPerStream, "%.1f") + ") | " + num(load, "%.2f") + " | " + notes.replace("|", "/").replace("\n", " ")
        + " |\n";
  }

  /** Per column, the median of the rows that measured it (the notes say how many runs). */
  static FanoutRow median(String mode, List<FanoutRow> rows) {
    List<FanoutRow> ok = rows.stream().filter(FanoutRow::ok).toList();
    if (ok.isEmpty()) {
      return failed(mode + " (median)", rows.get(0).streams, rows.get(0).users, "no run measured");
    }
    return new FanoutRow(mode + " (median)", ok.get(0).streams, ok.get(0).users, med(ok, FanoutRow::connectSeconds),
        med(ok, FanoutRow::memberLookups), med(ok, FanoutRow::rateLimited), med(ok, FanoutRow::offered),
        med(ok, FanoutRow::delivered), med(ok, FanoutRow::missed), med(ok, FanoutRow::p50), med(ok, FanoutRow::p99),
        med(ok, FanoutRow::cpuPercent), med(ok, FanoutRow::cpuMicrosPerDelivery), med(ok, FanoutRow::rssMb),
        med(ok, FanoutRow::rssKbPerStream), med(ok, FanoutRow::load),
        "median of " + ok.size() + " of " + rows.size() + " runs");
  }

  private static Double med(List<FanoutRow> rows, Function<FanoutRow, Double> f) {
    List<Double> v = new ArrayList<>();
    rows.forEach(r -> {
      if (f.apply(r) != null) {
        v.add(f.apply(r));
      }
    });
    if (v.isEmpty()) {
      return null;
    }
    v.sort(Double::compare);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  private static String num(Double d, String format) {
    return d == null ? "n/a" : String.format(format, d);
  }
}
