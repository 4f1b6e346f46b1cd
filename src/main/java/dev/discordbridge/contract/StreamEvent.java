package dev.discordbridge.contract;

import io.vertx.core.json.JsonObject;

/**
 * What the link holder publishes on the bus for every accepted event (and for a stream reset):
 * routing fields for filters, plus the browser payload serialized once, here, so that no
 * router serializes it again. Treat {@code data} as read-only: on the local bus one instance is
 * shared by every consumer.
 *
 * @param json the SSE {@code data:} line for EVENT; {@code {"reason": ...}} for RESET
 * @param eventId the hub's event id (null for RESET): a standby link holder de-duplicates on it
 * @param linkSeq the event's seq on the upstream link, or null (fallback ingestion, RESET): a
 *     standby that takes over resumes the upstream session after the highest one it saw
 */
public record StreamEvent(Kind kind, long streamId, String name, String guildId, String channelId,
                          long occurredAt, JsonObject data, String traceId, long receivedAt, String json,
                          String eventId, Long linkSeq) {

  public enum Kind { EVENT, RESET }

  public static final String RESET_NAME = "reset";

  public static StreamEvent of(GatewayEvent e, long streamId, Long upstreamSeq, long receivedAt, long publishedAt) {
    return of(e, streamId, upstreamSeq, false, receivedAt, publishedAt);
  }

  /** @param fromLink true for an event received on the link (its seq moves the resume position) */
  public static StreamEvent of(GatewayEvent e, long streamId, Long upstreamSeq, boolean fromLink, long receivedAt,
                               long publishedAt) {
    JsonObject wire = new JsonObject()
        .put("v", 1)
        .put("id", StreamIds.format(streamId))
        .put("name", e.name())
        .put("guildId", e.guildId())
        .put("channelId", e.channelId())
        .put("occurredAt", Times.format(e.occurredAt()))
        .put("data", e.data())
        .put("trace", new JsonObject()
            .put("traceId", e.traceId())
            .put("upstreamSeq", upstreamSeq)
            .put("receivedAt", Times.format(receivedAt))
            .put("publishedAt", Times.format(publishedAt)));
    return new StreamEvent(Kind.EVENT, streamId, e.name(), e.guildId(), e.channelId(), e.occurredAt(),
        e.data(), e.traceId(), receivedAt, wire.encode(), e.id(), fromLink ? upstreamSeq : null);
  }

  /** Every open stream must be told to refetch state: events may have been lost upstream. */
  public static StreamEvent reset(long headStreamId, String reason) {
    return new StreamEvent(Kind.RESET, headStreamId, RESET_NAME, null, null, System.currentTimeMillis(),
        null, Ids.newTraceId(), System.currentTimeMillis(),
        new JsonObject().put("reason", reason).encode(), null, null);
  }

  public boolean ephemeral() {
    EventName known = EventName.of(name);
    return known != null && known.ephemeral();
  }

  public String streamIdText() { return StreamIds.format(streamId); }

  /**
   * The event as it travels inside another bus record (a handover's gap fill): the fields the
   * cluster codec carries, JSON-mappable.
   */
  public record Wire(Kind kind, long streamId, long receivedAt, Long linkSeq, String eventId, String json) {
    public StreamEvent event() {
      return fromWire(kind, streamId, receivedAt, json, eventId, linkSeq);
    }
  }

  public Wire wire() {
    return new Wire(kind, streamId, receivedAt, linkSeq, eventId, json);
  }

  /** Rebuilds an event from its wire form (used by the cluster codec). */
  static StreamEvent fromWire(Kind kind, long streamId, long receivedAt, String json, String eventId, Long linkSeq) {
    JsonObject o = new JsonObject(json);
    if (kind == Kind.RESET) {
      return new StreamEvent(kind, streamId, RESET_NAME, null, null, receivedAt, null, Ids.newTraceId(), receivedAt, json,
          null, null);
    }
    JsonObject trace = o.getJsonObject("trace");
    return new StreamEvent(kind, streamId, o.getString("name"), o.getString("guildId"), o.getString("channelId"),
        Times.parse("occurredAt", o.getString("occurredAt")), o.getJsonObject("data"), trace.getString("traceId"),
        receivedAt, json, eventId, linkSeq);
  }
}
