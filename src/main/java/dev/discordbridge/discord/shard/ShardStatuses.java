package dev.discordbridge.discord.shard;

import dev.discordbridge.bus.ShardStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The last {@link ShardStatus} seen for each shard and when, as one node hears them on the bus:
 * a stale status never moves a session's resume point back. Not thread-safe: the shards
 * verticle's context.
 */
final class ShardStatuses {
  private final Map<Integer, ShardStatus> last = new HashMap<>();
  private final Map<Integer, Long> at = new HashMap<>();

  /** Remembers {@code s}; keeps the furthest position and the resume URL of a session already known. */
  void remember(ShardStatus s, long now) {
    ShardStatus before = last.get(s.shardId());
    if (before != null && s.sessionId() != null && s.sessionId().equals(before.sessionId())) {
      Long seq = s.seq() != null && before.seq() != null && s.seq() < before.seq() ? before.seq() : s.seq();
      String resumeUrl = s.resumeUrl() != null ? s.resumeUrl() : before.resumeUrl();
      s = new ShardStatus(s.shardId(), s.shardCount(), s.nodeId(), s.state(), s.detail(), s.sessionId(), seq, resumeUrl,
          s.released());
    }
    last.put(s.shardId(), s);
    at.put(s.shardId(), now);
  }

  ShardStatus last(int shardId) {
    return last.get(shardId);
  }

  /** Nobody reported the shard for {@code afterMs}, or its holder gave it up. */
  boolean silentOrReleased(int shardId, long now, long afterMs) {
    Long seen = at.get(shardId);
    return seen == null || now - seen > afterMs || last.get(shardId).released();
  }

  List<ShardStatus> all() {
    return List.copyOf(last.values());
  }
}
