package dev.discordbridge.bus;

import io.vertx.core.json.JsonArray;
import java.util.Objects;

/**
 * The request of {@code bridge.gateway.ingest}: the event frames of one {@code POST
 * /internal/events} (the contract's payload, 1 to {@link #MAX_EVENTS} items, each validated
 * and de-duplicated by the link holder). The edge checked the token and the body's shape.
 */
public record IngestBatch(String traceId, JsonArray events) {
  /** Largest batch accepted by fallback ingestion. */
  public static final int MAX_EVENTS = 1_000;

  public IngestBatch {
    Objects.requireNonNull(traceId, "traceId");
    if (events == null || events.isEmpty() || events.size() > MAX_EVENTS) {
      throw new IllegalArgumentException("events must hold 1 to " + MAX_EVENTS + " frames");
    }
  }
}
