package dev.discordbridge.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * Access to the meter registry Vert.x exposes on {@code /metrics}. All bridge metrics are named
 * {@code bridge_*}; the node id is a common tag on every one.
 */
public final class Metrics {
  private Metrics() {}

  private static final MeterRegistry FALLBACK = new SimpleMeterRegistry();

  public static MicrometerMetricsOptions options(String nodeId) {
    return new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(false))
        .setJvmMetricsEnabled(true)
        .setEnabled(true);
  }

  /** The registry of the running Vert.x (Prometheus), or an in-memory one when metrics are off (unit tests). */
  public static MeterRegistry registry() {
    MeterRegistry r = BackendRegistries.getDefaultNow();
    return r != null ? r : FALLBACK;
  }
}
