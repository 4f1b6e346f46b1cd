package dev.discordbridge.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * Access to the meter registry Vert.x exposes on {@code /metrics}. All bridge metrics are named
 * {@code bridge_*}. Every meter carries the tags {@code node} (this node's id) and {@code role}
 * (the capability that owns it, from its name), so a cluster's scrapes can be told apart.
 */
public final class Metrics {
  private Metrics() {}

  private static final MeterRegistry FALLBACK = new SimpleMeterRegistry();

  public static MicrometerMetricsOptions options() {
    return new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(false))
        .setJvmMetricsEnabled(true)
        .setEnabled(true);
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
