package dev.discordbridge.bus;

import dev.discordbridge.contract.StreamEvent;
import java.util.List;
import java.util.Objects;

/**
 * The messages of a link handover (docs/cluster.md, "Failover"). Before a new link holder
 * publishes anything it makes every node's event sequence as long as the longest survivor's:
 * it publishes a {@link Query}, every other node's gateway publishes a {@link Report} of the
 * last stream id it saw (on an address every gateway follows from its start, so no answer can
 * go to a consumer the cluster does not know yet), and the holder fetches ({@link Fetch} → {@link Events}) the events
 * some node has and another lacks, republishes them under their own stream ids, and resumes the
 * upstream after the last of them.
 */
public final class Handover {
  private Handover() {}

  /**
   * Published on {@link Addresses#HANDOVER_QUERY} by a new holder.
   *
   * @param nodeId the new holder (it does not answer itself)
   * @param queryId what the reports to this query carry
   */
  public record Query(String nodeId, String queryId) {
    public Query {
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(queryId, "queryId");
    }
  }

  /**
   * A node's answer, published on {@link Addresses#HANDOVER_REPORT}: the highest stream id it saw
   * (-1: none) and the address it serves {@link Fetch} on.
   */
  public record Report(String queryId, String nodeId, long tail, String fetchAddress) {
    public Report {
      Objects.requireNonNull(queryId, "queryId");
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(fetchAddress, "fetchAddress");
    }
  }

  /** The events with {@code after < stream id <= through}, oldest first. */
  public record Fetch(long after, long through) {}

  /**
   * The reply to a {@link Fetch}.
   *
   * @param complete false when the node no longer holds every event of the range (its recent
   *     history is bounded): the oldest part is missing
   */
  public record Events(boolean complete, List<StreamEvent.Wire> events) {
    public Events {
      events = events == null ? List.of() : List.copyOf(events);
    }
  }
}
