package dev.discordbridge.bus;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * The upstream link as one node sees it ({@code bridge.link.status}, published by the holder on
 * every change and every second; the reply of {@code bridge.link.status.query}). {@code usable}:
 * a live, handshaken link. Session and seq let a new holder resume; {@code headStreamId} is the
 * last stream id the node published or saw (19 digits), {@code since} when {@code state} began;
 * {@code detail}, when not null, says why the link is not usable in words an operator can act on
 * (e.g. Discord refused the intents).
 */
public record LinkStatus(String nodeId, boolean holder, String state, boolean usable, String sessionId, Long lastSeq,
                         String headStreamId, Long epoch, int reconnects, String since, String detail) {

  public LinkStatus {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(state, "state");
    if (reconnects < 0) {
      throw new IllegalArgumentException("reconnects must not be negative");
    }
  }

  /** The JSON form of docs/architecture.md (null fields kept, as before the record). */
  public JsonObject toJson() {
    return new JsonObject().put("nodeId", nodeId).put("holder", holder).put("state", state).put("usable", usable)
        .put("sessionId", sessionId).put("lastSeq", lastSeq).put("headStreamId", headStreamId).put("epoch", epoch)
        .put("reconnects", reconnects).put("since", since).put("detail", detail);
  }
}
