package dev.discordbridge.command;

import dev.discordbridge.ops.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import io.vertx.circuitbreaker.CircuitBreaker;

/**
 * The command path's meters, each defined here only: {@code bridge_commands} (by final outcome,
 * refusals included), the queue's depth, age, breaker, retries, adoptions and freed lanes. The gauges read volatile copies of the queue's state (the scrape
 * runs on another thread), refreshed by {@link #queueChanged} on the owner context.
 */
final class QueueMeters {
  private final MeterRegistry registry = Metrics.registry();
  private final Gauge depthGauge;
  private final Gauge breakerGauge;
  private final Gauge oldestGauge;
  final Counter retries;
  final Counter adopted;
  final Counter unstuck;

  private volatile int depth;
  /** When the oldest command in the queue was accepted (0: none). */
  private volatile long oldestRequestedAt;

  QueueMeters(CircuitBreaker breaker) {
    depthGauge = Gauge.builder("bridge_command_queue_depth", this, m -> m.depth)
        .description("Commands accepted and not yet finished (waiting or in flight), this node").register(registry);
    breakerGauge = Gauge.builder("bridge_command_breaker_state", breaker, QueueMeters::breakerValue)
        .description("Command circuit breaker: 0 closed, 1 half-open, 2 open").register(registry);
    oldestGauge = Gauge.builder("bridge_commands_oldest_waiting_seconds", this, QueueMeters::oldestWaitingSeconds)
        .description("Age of the oldest command accepted and not yet finished on this node (0 when none)")
        .register(registry);
    retries = Counter.builder("bridge_command_retries").description("Command attempts retried").register(registry);
    adopted = Counter.builder("bridge_command_adopted")
        .description("Commands adopted from a cluster member that left before they ended").register(registry);
    unstuck = Counter.builder("bridge_command_lanes_unstuck")
        .description("Channel lanes the watchdog freed (an attempt or a retry held past its deadline)").register(registry);
  }

  void queueChanged(Collection<PendingCommand> queue) {
    depth = queue.size();
    long oldest = 0;
    for (PendingCommand p : queue) {
      long at = p.command.requestedAt();
      oldest = oldest == 0 || at < oldest ? at : oldest;
    }
    oldestRequestedAt = oldest;
  }

  void ended(String name, String outcome) {
    count(name, outcome);
  }

  /** The one definition of {@code bridge_commands}: every command counted once, by its final outcome. */
  static void count(String name, String outcome) {
    // Registered once per (name, outcome) and registry: a lookup in the registry costs more than the
    // increment. Both come from closed sets (the schemas' names or "unknown", the outcomes of the
    // dispatcher), so the map is bounded; a new registry (a node started again in the JVM) starts a new map.
    MeterRegistry registry = Metrics.registry();
    Counters cached = commands;
    if (cached.registry() != registry) {
      cached = new Counters(registry, new java.util.concurrent.ConcurrentHashMap<>());
      commands = cached;
    }
    cached.byKey().computeIfAbsent(name + '\u0000' + outcome, k -> Counter.builder("bridge_commands").tag("name", name)
        .tag("outcome", outcome).description("Commands by final outcome").register(registry)).increment();
  }

  private record Counters(MeterRegistry registry, java.util.Map<String, Counter> byKey) {}

  private static volatile Counters commands = new Counters(null, java.util.Map.of());

  private static double breakerValue(CircuitBreaker breaker) {
    return switch (breaker.state()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }

  private double oldestWaitingSeconds() {
    long oldest = oldestRequestedAt;
    return oldest == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest) / 1000.0;
  }

  void close() {
    registry.remove(depthGauge);
    registry.remove(breakerGauge);
    registry.remove(oldestGauge);
  }
}
