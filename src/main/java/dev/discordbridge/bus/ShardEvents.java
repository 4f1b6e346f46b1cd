package dev.discordbridge.bus;

import dev.discordbridge.contract.GatewayEvent;
import java.util.List;
import java.util.Objects;

/**
 * The request of {@code bridge.discord.shard.events} (direct Discord mode): what one shard's
 * holder received, in order, for the link holder to de-duplicate, sequence and publish. The
 * shard sends one batch at a time and resends it until answered ({@link ShardEvents.Ack}), so a
 * batch may arrive twice (the event ids make that harmless).
 *
 * @param reset when not null, events of this shard may have been lost before {@code events}
 *     (a session that could not be resumed): every stream must refetch
 * @param lastSeq the Discord sequence of the last dispatch covered by this batch (dispatches that
 *     gave no event included), or null when the batch only carries a reset
 */
public record ShardEvents(int shardId, String nodeId, String sessionId, Long lastSeq, List<GatewayEvent> events,
                          String reset) {
  /** Largest batch a shard sends at once. */
  public static final int MAX_EVENTS = 500;

  public ShardEvents {
    Objects.requireNonNull(nodeId, "nodeId");
    events = events == null ? List.of() : List.copyOf(events);
    if (shardId < 0 || events.size() > MAX_EVENTS) {
      throw new IllegalArgumentException("need shardId >= 0 and at most " + MAX_EVENTS + " events");
    }
  }

  /** The reply: how many events were new (the rest had been published already). */
  public record Ack(int published) {}
}
