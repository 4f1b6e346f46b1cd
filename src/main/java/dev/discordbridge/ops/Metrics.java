package dev.discordbridge.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.EnumSet;
import java.util.Set;

/**
 * Access to the meter registry Vert.x exposes on {@code /metrics}. All bridge metrics are named
 * {@code bridge_*}. Every meter carries the tags {@code node} (this node's id) and {@code role}
 * (the capability that owns it, from its name), so a cluster's scrapes can be told apart.
 */
public final class Metrics {
  private Metrics() {}

  private static final MeterRegistry FALLBACK = new SimpleMeterRegistry();

  /**
   * The HTTP methods counted under their own name; any other method a client sends is counted as
   * {@value #OTHER_METHOD}, so that made-up methods cannot add series.
   */
  static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
  static final String OTHER_METHOD = "OTHER";

  /**
   * Vert.x metrics with bounded labels only. The {@code method} label Vert.x would add holds
   * whatever token the client sent (every new one added 11 series that never went away), so it is
   * turned off and replaced by a tag from a fixed set. Folding happens before a meter is looked
   * up, so even the registry's own id cache stays bounded (a MeterFilter would rename the tag
   * only after caching the raw id). Path and route labels stay off (Vert.x's default).
   */
  public static MicrometerMetricsOptions options() {
    Set<Label> labels = EnumSet.copyOf(MicrometerMetricsOptions.DEFAULT_LABELS);
    labels.remove(Label.HTTP_METHOD);
    labels.removeAll(EnumSet.of(Label.HTTP_PATH, Label.HTTP_ROUTE, Label.REMOTE));
    return new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(false))
        .setLabels(labels)
        .setServerRequestTagsProvider(Metrics::methodTag)
        .setClientRequestTagsProvider(Metrics::methodTag)
        .setJvmMetricsEnabled(true)
        .setEnabled(true);
  }

  private static Iterable<Tag> methodTag(HttpRequest request) {
    return Tags.of("method", method(request.method() == null ? null : request.method().name()));
  }

  /** The value of the {@code method} tag: a standard method's name, else {@value #OTHER_METHOD}. */
  static String method(String name) {
    return name != null && KNOWN_METHODS.contains(name) ? name : OTHER_METHOD;
  }

  /** Vert.x's metrics on a Prometheus registry whose meters all carry {@code node} and {@code role}. */
  public static MicrometerMetricsFactory factory(String nodeId) {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("node", nodeId).meterFilter(new MeterFilter() {
      @Override
      public Meter.Id map(Meter.Id id) {
        return id.getTag("role") != null ? id : id.withTag(Tag.of("role", role(id.getName())));
      }
    });
    return new MicrometerMetricsFactory(registry);
  }

  /** The role a meter belongs to, from its name. */
  public static String role(String meterName) {
    if (meterName.startsWith("bridge.link") || meterName.startsWith("bridge.events") || meterName.startsWith("bridge.ingest")
        || meterName.startsWith("bridge_link") || meterName.startsWith("bridge_events") || meterName.startsWith("bridge_ingest")) {
      return "gateway";
    }
    if (meterName.startsWith("bridge.sse") || meterName.startsWith("bridge_sse")) {
      return "sse-router";
    }
    if (meterName.startsWith("bridge.command") || meterName.startsWith("bridge_command")) {
      return "command-dispatcher";
    }
    if (meterName.startsWith("bridge.ratelimit") || meterName.startsWith("bridge_ratelimit")) {
      return "rate-limiter";
    }
    if (meterName.startsWith("bridge.legacy") || meterName.startsWith("bridge_legacy")) {
      return "legacy-bridge";
    }
    return "node";
  }

  /** The registry of the running Vert.x (Prometheus), or an in-memory one when metrics are off (unit tests). */
  public static MeterRegistry registry() {
    MeterRegistry r = BackendRegistries.getDefaultNow();
    return r != null ? r : FALLBACK;
  }
}
