package dev.discordbridge.bus;

/**
 * Published (local only) on {@link Addresses#STREAM_EVICT} by the router instance where a user
 * opened one stream more than {@code SSE_MAX_STREAMS_PER_USER}: the instance holding the stream
 * {@code streamKey} of {@code userId} ends it with an {@code evicted} event.
 *
 * @param streamKey the node-wide key the stream got when it opened (older streams have smaller keys)
 * @param max the cap, reported to the client
 */
public record StreamEviction(String userId, long streamKey, int max) {
  public StreamEviction {
    if (userId == null || userId.isBlank() || streamKey < 0 || max < 1) {
      throw new IllegalArgumentException("need a user id, a key >= 0 and max >= 1, got " + userId + ", " + streamKey
          + ", " + max);
    }
  }
}
