package dev.discordbridge.bench;

/**
 * One measured (server, offered rate) pair. Latencies in milliseconds; a null figure was not
 * measured (e.g. no command API) and prints as "n/a".
 *
 * @param delivered deliveries received per second during the measured window
 * @param lastStreamP50 per event, the time until the last stream got it (events every stream got)
 * @param serverCpuPercent the server process's CPU use during the window, in % of one CPU
 * @param missed expected minus received deliveries of the measured events, over all streams
 */
record ResultRow(String server, int streams, int offered, Double delivered, Double p50, Double p99, Double max,
                 Double lastStreamP50, Double lastStreamP99, Double cpuMicrosPerDelivery, Double serverCpuPercent,
                 Double rssKbPerStream, Long missed, Double commandP50, Double commandP99, Double loadgenCpuPercent,
                 String notes) {

  static ResultRow failed(String server, int streams, int offered, String why) {
    return new ResultRow(server, streams, offered, null, null, null, null, null, null, null, null, null, null, null,
        null, null, "FAILED: " + why);
  }

  boolean ok() {
    return delivered != null;
  }

  static String header() {
    return "| server | streams | offered deliveries/s | delivered/s | latency p50 / p99 / max (ms) "
        + "| last stream p50 / p99 (ms) | server CPU per delivery (µs) | server CPU (% of 1 core) "
        + "| RSS per stream (KB) | missed | command p50 / p99 (ms) | load generator CPU (% of 1 core) | notes |\n"
        + "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n";
  }

  String markdown() {
    return "| " + server + " | " + streams + " | " + String.format("%,d", offered) + " | " + whole(delivered)
        + " | " + ms(p50) + " / " + ms(p99) + " / " + ms(max)
        + " | " + ms(lastStreamP50) + " / " + ms(lastStreamP99)
        + " | " + num(cpuMicrosPerDelivery, "%.2f") + " | " + num(serverCpuPercent, "%.0f")
        + " | " + num(rssKbPerStream, "%.1f") + " | " + (missed == null ? "n/a" : String.format("%,d", missed))
        + " | " + ms(commandP50) + " / " + ms(commandP99) + " | " + num(loadgenCpuPercent, "%.0f")
        + " | " + notes.replace("|", "/").replace("\n", " ") + " |\n";
  }

  private static String whole(Double d) {
    return d == null ? "n/a" : String.format("%,.0f", d);
  }

  static String ms(Double d) {
    if (d == null) {
      return "n/a";
    }
    return d < 10 ? String.format("%.2f", d) : String.format("%.0f", d);
  }

  static String num(Double d, String format) {
    return d == null ? "n/a" : String.format(format, d);
  }
}
