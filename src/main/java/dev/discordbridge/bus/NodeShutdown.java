package dev.discordbridge.bus;

/**
 * Published (local only) on {@link Addresses#NODE_SHUTDOWN} when the node's orderly stop starts.
 *
 * @param graceMs how long the command queue may drain ({@code SHUTDOWN_GRACE_MS})
 */
public record NodeShutdown(String nodeId, long graceMs) {
  public NodeShutdown {
    if (nodeId == null || nodeId.isBlank() || graceMs < 0) {
      throw new IllegalArgumentException("need a node id and graceMs >= 0, got " + nodeId + ", " + graceMs);
    }
  }
}
