package dev.discordbridge.link;

/**
 * Where an upstream session got to: what a new holder needs to resume it. Opaque to the link
 * holder, which only publishes it in the link status and hands it back to {@link Upstream#start}.
 *
 * @param sessionId the upstream's session id
 * @param seq the position of the last accepted event, or null before the first
 */
public record SessionPosition(String sessionId, Long seq) {
  public SessionPosition {
    if (sessionId == null || sessionId.isEmpty()) {
      throw new IllegalArgumentException("sessionId is required");
    }
  }
}
