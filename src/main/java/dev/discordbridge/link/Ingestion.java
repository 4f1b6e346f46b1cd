package dev.discordbridge.link;

import dev.discordbridge.bus.IngestBatch;
import dev.discordbridge.bus.IngestResult;
import dev.discordbridge.contract.ContractViolation;
import dev.discordbridge.contract.GatewayEvent;
import dev.discordbridge.contract.LinkFrame;
import dev.discordbridge.ops.TraceLog;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fallback ingestion ({@code bridge.gateway.ingest}): every item of a batch is read as an event
 * frame and its event validated; new events (by id) are handed to the holder to publish. A
 * {@code seq} there is informative only: it never moves the link's resume position.
 */
final class Ingestion {
  private static final Logger log = LoggerFactory.getLogger(Ingestion.class);

  /** Publishes one accepted event: the event, the seq the hub gave it (or null), when it arrived. */
  interface Publisher {
    void publish(GatewayEvent event, Long upstreamSeq, long receivedAt);
  }

  private final EventIdWindow seen;
  private final Predicate<String> forwardsUnknown;
  private final LinkMetrics metrics;
  private final Publisher publisher;

  Ingestion(EventIdWindow seen, Predicate<String> forwardsUnknown, LinkMetrics metrics, Publisher publisher) {
    this.seen = seen;
    this.forwardsUnknown = forwardsUnknown;
    this.metrics = metrics;
    this.publisher = publisher;
  }

  IngestResult ingest(IngestBatch batch) {
    long receivedAt = System.currentTimeMillis();
    int accepted = 0;
    int duplicates = 0;
    List<IngestResult.Rejected> rejected = new ArrayList<>();
    for (int i = 0; i < batch.events().size(); i++) {
      try {
        if (accept(batch.events().getValue(i), receivedAt)) {
          accepted++;
        } else {
          duplicates++;
        }
      } catch (ContractViolation v) {
        rejected.add(new IngestResult.Rejected(i, v.getMessage()));
      }
    }
    metrics.ingest("accepted", accepted);
    metrics.ingest("duplicate", duplicates);
    metrics.ingest("rejected", rejected.size());
    if (!rejected.isEmpty()) {
      TraceLog.warn(log, batch.traceId(), "ingestion: {} accepted, {} duplicates, {} rejected (first: {})", accepted,
          duplicates, rejected.size(), rejected.get(0).reason());
    }
    return new IngestResult(accepted, duplicates, rejected);
  }

  /** @return false when the event id was already seen */
  private boolean accept(Object item, long receivedAt) {
    if (!(item instanceof JsonObject json)) {
      throw new ContractViolation("bad_frame", null, "must be an event frame object");
    }
    if (!(InboundFrame.read(json) instanceof LinkFrame.Event frame)) {
      throw new ContractViolation("unknown_type", "type", "type must be \"event\"");
    }
    GatewayEvent event = GatewayEvent.fromJson(frame.event(), forwardsUnknown);
    if (!seen.firstSeen(event.id())) {
      return false;
    }
    publisher.publish(event, frame.seq(), receivedAt);
    return true;
  }
}
