package dev.discordbridge.bus;

import java.util.Objects;

/**
 * Published on {@code bridge.discord.shard.status} by the node holding a Discord shard, on every
 * change and every second (direct Discord mode): the link holder derives the link's state from
 * them, and a node that takes the shard over resumes its session from the last one seen.
 *
 * @param state the shard session's state (connecting, identifying, resuming, ready, backoff, failed, stopped)
 * @param detail why a shard failed, in words an operator can act on, or null
 * @param sessionId the Discord session, or null before READY
 * @param seq the last sequence the link holder has published (a new holder resumes from it), or null
 * @param resumeUrl READY's resume_gateway_url, or null
 * @param released true when the holder gave the shard up on purpose (rebalance, shutdown): take it at once
 */
public record ShardStatus(int shardId, int shardCount, String nodeId, String state, String detail, String sessionId,
                          Long seq, String resumeUrl, boolean released) {
  public ShardStatus {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(state, "state");
    if (shardId < 0 || shardCount < 1 || shardId >= shardCount) {
      throw new IllegalArgumentException("need 0 <= shardId < shardCount, got " + shardId + " of " + shardCount);
    }
  }

  public boolean ready() {
    return "ready".equals(state);
  }
}
