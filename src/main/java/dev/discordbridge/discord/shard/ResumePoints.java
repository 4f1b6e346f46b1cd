package dev.discordbridge.discord.shard;

import dev.discordbridge.bus.ShardStatus;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a node that takes a shard resumes it from: the position its last holder saved with the
 * lease (written before the lease was released, so a hand-over never misses it), or the last
 * status seen on the bus; the further one when both name the same session. A session identified
 * with another shard count is never resumed (its guilds are split differently).
 */
final class ResumePoints {
  private static final Logger log = LoggerFactory.getLogger(ResumePoints.class);

  private ResumePoints() {}

  static ShardPosition choose(int shardId, int shardCount, JsonObject saved, ShardStatus last) {
    ShardPosition fromSaved = null;
    if (saved != null) {
      if (saved.getValue("shardCount") instanceof Number n && n.intValue() == shardCount) {
        try {
          fromSaved = ShardPosition.fromJson(saved);
        } catch (IllegalArgumentException e) {
          log.warn("Discord shard {}: the saved position is unusable ({})", shardId, e.getMessage());
        }
      } else {
        log.warn("Discord shard {}: the saved session ran with {} shard(s), not {}: a new session starts", shardId,
            saved.getValue("shardCount"), shardCount);
      }
    }
    ShardPosition fromStatus = null;
    if (last != null && last.sessionId() != null && last.seq() != null && last.resumeUrl() != null) {
      if (last.shardCount() == shardCount) {
        fromStatus = new ShardPosition(last.sessionId(), last.seq(), last.resumeUrl());
      } else {
        log.warn("Discord shard {}: session {} ran with {} shard(s), not {}: not resumed", shardId, last.sessionId(),
            last.shardCount(), shardCount);
      }
    }
    if (fromSaved == null) {
      return fromStatus;
    }
    if (fromStatus != null && fromStatus.sessionId().equals(fromSaved.sessionId()) && fromStatus.seq() > fromSaved.seq()) {
      return fromStatus;
    }
    return fromSaved;
  }
}
