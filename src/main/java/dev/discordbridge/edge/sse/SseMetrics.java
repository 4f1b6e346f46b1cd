package dev.discordbridge.edge.sse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The SSE meters, shared by every router instance of one registry (counters are thread-safe). */
public final class SseMetrics {
  private static final Map<MeterRegistry, SseMetrics> BY_REGISTRY = new ConcurrentHashMap<>();

  final AtomicLong connections = new AtomicLong();
  final Counter delivered;
  final Counter slowDisconnects;
  final Counter replaysResumed;
  final Counter replaysReset;
  final Counter resets;
  final Counter heartbeats;
  final Counter evicted;
  final Timer latency;

  private SseMetrics(MeterRegistry r) {
    Gauge.builder("bridge_sse_connections", connections, AtomicLong::get)
        .description("Open SSE streams").register(r);
    delivered = Counter.builder("bridge_sse_events_delivered_total")
        .description("Event frames written to SSE streams (live and replayed)").register(r);
    slowDisconnects = Counter.builder("bridge_sse_slow_client_disconnects_total")
        .description("Streams cut off because the client could not keep up").register(r);
    replaysResumed = Counter.builder("bridge_sse_replays_total").tag("outcome", "resumed")
        .description("Reconnects with Last-Event-ID, by outcome").register(r);
    replaysReset = Counter.builder("bridge_sse_replays_total").tag("outcome", "reset")
        .description("Reconnects with Last-Event-ID, by outcome").register(r);
    resets = Counter.builder("bridge_sse_resets_total")
        .description("Upstream resets broadcast to every open stream").register(r);
    heartbeats = Counter.builder("bridge_sse_heartbeats_total")
        .description("Heartbeat frames written").register(r);
    evicted = Counter.builder("bridge_sse_evicted_total")
        .description("Streams ended because their user opened more than SSE_MAX_STREAMS_PER_USER on this node").register(r);
    latency = Timer.builder("bridge_sse_delivery_latency_seconds")
        .description("From the bridge receiving an event to its flush on the SSE sockets")
        .serviceLevelObjectives(ms(1), ms(2), ms(5), ms(10), ms(25), ms(50), ms(100), ms(250), ms(500), ms(1000), ms(2500))
        .register(r);
  }

  private static Duration ms(long m) {
    return Duration.ofMillis(m);
  }

  public static SseMetrics of(MeterRegistry registry) {
    return BY_REGISTRY.computeIfAbsent(registry, SseMetrics::new);
  }

  void recordLatency(long millis) {
    latency.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
  }
}
