package dev.discordbridge.discord;

import dev.discordbridge.ops.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * Direct mode's meters, tagged with the node id; label values come from closed sets (outcomes,
 * 429 scopes), never from input.
 */
public final class DiscordMetrics {
  private static final java.util.Set<String> SCOPES = java.util.Set.of("user", "global", "shared");
  private final MeterRegistry registry = Metrics.registry();
  private final String node;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public DiscordMetrics(String node) {
    this.node = node;
  }

  /** The shards this node holds and how many of them are READY. */
  public void shards(IntSupplier held, IntSupplier ready) {
    Gauge.builder("bridge_discord_shards_held", held::getAsInt).description("Discord shards this node holds")
        .tag("node", node).strongReference(true).register(registry);
    Gauge.builder("bridge_discord_shards_ready", ready::getAsInt)
        .description("Discord shards this node holds whose session is ready").tag("node", node).strongReference(true)
        .register(registry);
  }

  public void dispatch() {
    counter("bridge_discord_dispatches_total", "kind", "received", "Gateway dispatches received").increment();
  }

  /** A dispatch whose {@code s} was unusable ({@code unsafe_seq}) or went back ({@code seq_back}). */
  public void seqAnomaly(String kind) {
    String k = "unsafe".equals(kind) ? "unsafe_seq" : "seq_back";
    counter("bridge_discord_dispatches_total", "kind", k, "Gateway dispatches received").increment();
  }

  public void unmapped() {
    counter("bridge_discord_dispatches_total", "kind", "unmapped", "Gateway dispatches received").increment();
  }

  /** A command's REST outcome: delivered, rejected, retryable, link_down. */
  void command(String outcome) {
    counter("bridge_discord_rest_commands_total", "outcome", outcome, "Commands sent to Discord's REST API, by outcome")
        .increment();
  }

  /** A member lookup's outcome ({@code GET /guilds/{guild}/members/{user}}): member, not_member, failed. */
  void memberLookup(String outcome) {
    counter("bridge_discord_member_lookups_total", "outcome", outcome,
        "Member lookups sent to Discord for callers' roles, by outcome").increment();
  }

  void rateLimited(String scope) {
    String s = SCOPES.contains(scope) ? scope : "other";
    counter("bridge_discord_rest_429_total", "scope", s, "429 answers from Discord's REST API, by scope").increment();
  }

  private Counter counter(String name, String tag, String value, String description) {
    return counters.computeIfAbsent(name + "|" + value, k -> Counter.builder(name).description(description)
        .tag("node", node).tag(tag, value).register(registry));
  }
}
