package dev.discordbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every metric the Grafana dashboard (deploy/grafana/bridge.json) and the alert rules
 * (deploy/prometheus/alerts.yaml) query exists in a live node's /metrics (issue 22): a renamed
 * metric breaks this test, not a dashboard at 3 a.m.
 */
class DeployAssetsTest {
  /** Series Prometheus makes itself, not the bridge. */
  static final Set<String> PROMETHEUS_OWN = Set.of("up");
  static final Set<String> KEYWORDS = Set.of("or", "and", "unless", "by", "without", "on", "ignoring", "bool",
      "group_left", "group_right", "offset");
  static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  /** The metric names a PromQL expression reads: identifiers that are not functions, keywords, labels or strings. */
  static Set<String> metricNames(String expr) {
    String s = expr.replaceAll("\"(\\\\.|[^\"])*\"", " ")          // strings
        .replaceAll("\\{[^}]*}", " ")                                 // label matchers
        .replaceAll("\\[[^]]*]", " ")                                 // ranges
        .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " "); // grouping labels
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String id = m.group();
      int after = m.end();
      while (after < s.length() && s.charAt(after) == ' ') {
        after++;
      }
      boolean function = after < s.length() && s.charAt(after) == '(';
      boolean number = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
      if (!function && !number && !KEYWORDS.contains(id)) {
        names.add(id);
      }
    }
    return names;
  }

  static List<String> dashboardExpressions() throws Exception {
    JsonObject dashboard = new JsonObject(Files.readString(Path.of("deploy/grafana/bridge.json")));
    List<String> exprs = new ArrayList<>();
    for (Object p : dashboard.getJsonArray("panels")) {
      JsonArray targets = ((JsonObject) p).getJsonArray("targets", new JsonArray());
      for (Object t : targets) {
        exprs.add(((JsonObject) t).getString("expr"));
      }
    }
    return exprs;
  }

  static List<String> alertExpressions() throws Exception {
    List<String> exprs = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\s*expr:\\s*(.+)$").matcher(Files.readString(Path.of("deploy/prometheus/alerts.yaml")));
    while (m.find()) {
      exprs.add(m.group(1));
    }
    return exprs;
  }

  @Test
  void theParserFindsMetricsOnly() {
    assertEquals(Set.of("bridge_sse_delivery_latency_seconds_bucket"), metricNames(
        "histogram_quantile(0.99, sum by (le) (rate(bridge_sse_delivery_latency_seconds_bucket[5m]))) > 0.1"));
    assertEquals(Set.of("bridge_link_seq_anomalies_total", "bridge_link_sessions_abandoned_total"), metricNames(
        "sum(increase(bridge_link_seq_anomalies_total{kind=\"gap\"}[5m])) > 0 or sum(increase(bridge_link_sessions_abandoned_total[1h])) > 0"));
  }

  @Test
  void everyMetricTheDashboardAndAlertsUseExistsInALiveMetricsPage() throws Exception {
    List<String> exprs = new ArrayList<>(dashboardExpressions());
    List<String> alerts = alertExpressions();
    assertTrue(exprs.size() >= 20 && alerts.size() >= 10, "expressions found: " + exprs.size() + " + " + alerts.size());
    exprs.addAll(alerts);
    Set<String> used = new TreeSet<>();
    exprs.forEach(e -> used.addAll(metricNames(e)));
    used.removeAll(PROMETHEUS_OWN);

    Node node = E2e.start(new JsonObject().put("SIM_EVENTS_PER_SEC", "20"));
    try {
      E2e.awaitReady(node, 200);
      // Activity that makes the lazily created series appear: a stream, commands, refusals.
      String token = E2e.token(node, "1098764523409876481", List.of("1181471853712130048"));
      try (SseClient stream = SseClient.open(node.httpPort(), "/api/stream", Map.of("Authorization", "Bearer " + token))) {
        stream.next("ready", 10_000);
        for (int i = 0; i < 12; i++) {
          E2e.command(node, "sendMessage", token, new JsonObject().put("guildId", "1181471853712130048")
              .put("channelId", "1181471853712130052").put("content", "metrics " + i));
        }
        E2e.await(10_000, "an event delivered", () -> E2e.metric(node, "bridge_sse_events_delivered_total") > 0);
      }
      // jvm_gc_pause_seconds appears at the JVM's first collection, which a node that has run for a while has had.
      System.gc();
      E2e.await(10_000, "a GC pause recorded", () -> E2e.get(node, "/metrics").body().contains("jvm_gc_pause_seconds_count"));
      String page = E2e.get(node, "/metrics").body();
      Set<String> live = new TreeSet<>();
      Matcher m = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(page);
      while (m.find()) {
        live.add(m.group(1));
      }
      Set<String> missing = new TreeSet<>(used);
      missing.removeAll(live);
      assertEquals(Set.of(), missing, "metrics used by the dashboard or alerts but absent from /metrics (of " + used.size() + ")");
    } finally {
      node.stop().await();
    }
  }
}
