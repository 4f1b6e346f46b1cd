package dev.discordbridge.link;

import dev.discordbridge.contract.EventName;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.ops.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/** The link's meters, tagged with the node id. Label values come from closed sets only. */
public final class LinkMetrics {
  private final MeterRegistry registry = Metrics.registry();
  private final String node;
  private final Counter reconnects;
  private final Map<String, Counter> received = new ConcurrentHashMap<>();
  private final Map<String, Counter> dropped = new ConcurrentHashMap<>();
  private final Map<String, Counter> published = new ConcurrentHashMap<>();
  private final Map<String, Counter> ingest = new ConcurrentHashMap<>();
  private final Map<String, Counter> seqAnomalies = new ConcurrentHashMap<>();
  private final Map<String, Counter> abandoned = new ConcurrentHashMap<>();
  private final Counter resumesFailed;
  private final Counter terms;

  LinkMetrics(String node, Supplier<LinkState> state, IntSupplier pendingCommands) {
    this.node = node;
    reconnects = Counter.builder("bridge_link_reconnects_total").description("Reconnect attempts of the upstream link")
        .tag("node", node).register(registry);
    resumesFailed = Counter.builder("bridge_link_resumes_failed_total")
        .description("Resumes whose socket was lost before any event was accepted").tag("node", node).register(registry);
    terms = Counter.builder("bridge_link_terms_total")
        .description("Times this node took the upstream link (its first term, then each failover or handover to it)")
        .tag("node", node).register(registry);
    Gauge.builder("bridge_link_up", () -> state.get() == LinkState.CONNECTED ? 1 : 0)
        .description("1 while the upstream link is connected and handshaken").tag("node", node).strongReference(true)
        .register(registry);
    for (LinkState s : LinkState.values()) {
      Gauge.builder("bridge_link_state", () -> state.get() == s ? 1 : 0)
          .description("1 for the current state of the upstream link").tag("node", node).tag("state", s.wire())
          .strongReference(true).register(registry);
    }
    // The runbook's alerts read these: they start at 0 so that rate() and increase() see 0, not "no data".
    for (SeqAnomaly k : SeqAnomaly.values()) {
      seqAnomalies.computeIfAbsent(k.tag(), this::seqAnomalyCounter);
    }
    abandoned.computeIfAbsent("failed_resumes", this::abandonedCounter);
    for (String reason : List.of("bad_json", "bad_version", "unknown_type", "bad_event", "unknown_event", "too_large")) {
      dropped.computeIfAbsent(reason, this::droppedCounter);
    }
    Gauge.builder("bridge_link_commands_pending", pendingCommands::getAsInt)
        .description("Commands written upstream and waiting for their ack").tag("node", node).strongReference(true)
        .register(registry);
  }

  void termTaken() {
    terms.increment();
  }

  public void reconnect() {
    reconnects.increment();
  }

  public void received(String type) {
    String t = InboundFrame.HUB_TYPES.contains(type) ? type : "other";
    received.computeIfAbsent(t, k -> counter("bridge_link_frames_received_total", "type", k,
        "Frames received from the hub")).increment();
  }

  public void dropped(String reason) {
    dropped.computeIfAbsent(reason, this::droppedCounter).increment();
  }

  private Counter droppedCounter(String reason) {
    return counter("bridge_link_frames_dropped_total", "reason", reason, "Frames from the hub that were dropped");
  }

  /** Events a new holder republished under their own ids at a handover (some node had missed them). */
  void filled(int events) {
    Counter.builder("bridge_handover_events_filled_total")
        .description("Events a new link holder republished at a handover because some node had missed them")
        .tag("node", node).register(registry).increment(events);
  }

    void published(StreamEvent e) {
    String name = e.kind() == StreamEvent.Kind.RESET ? StreamEvent.RESET_NAME
        : EventName.of(e.name()) != null ? e.name() : "other";
    published.computeIfAbsent(name, k -> counter("bridge_events_published_total", "name", k,
        "Events published to the stream")).increment();
  }

  /** What a link seq did within a session; the metric's {@code kind} tag. */
  public enum SeqAnomaly {
    /** skipped events */
    GAP,
    /** went back or repeated */
    REGRESS;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A link seq that skipped ({@code gap}) or went back / repeated ({@code regress}) within a session. */
  public void seqAnomaly(SeqAnomaly kind) {
    seqAnomalies.computeIfAbsent(kind.tag(), this::seqAnomalyCounter).increment();
  }

  private Counter seqAnomalyCounter(String kind) {
    return counter("bridge_link_seq_anomalies_total", "kind", kind,
        "Event seqs from the hub that skipped (gap) or went back (regress) within a session");
  }

  /** A resume whose socket was lost before any event was accepted or the link was stable. */
  public void resumeFailed() {
    resumesFailed.increment();
  }

  /** The session was given up and a fresh one started; the reason is a closed set. */
  public void sessionAbandoned(String reason) {
    abandoned.computeIfAbsent(reason, this::abandonedCounter).increment();
  }

  private Counter abandonedCounter(String reason) {
    return counter("bridge_link_sessions_abandoned_total", "reason", reason,
        "Upstream sessions given up by the bridge (a reset went to every stream)");
  }

  void ingest(String outcome, int n) {
    if (n > 0) {
      ingest.computeIfAbsent(outcome, k -> counter("bridge_ingest_events_total", "outcome", k,
          "Events posted to fallback ingestion")).increment(n);
    }
  }

  private Counter counter(String name, String tag, String value, String description) {
    return Counter.builder(name).description(description).tag("node", node).tag(tag, value).register(registry);
  }
}
