package dev.discordbridge.discord.shard;

import io.vertx.core.json.JsonObject;

/**
 * Where a gateway session can be resumed from: Discord's {@code session_id}, the last
 * sequence number received, and the {@code resume_gateway_url} READY gave. Holds no secret,
 * so it may be logged and shared with other nodes (which resume the shard after a failover).
 */
public record ShardPosition(String sessionId, long seq, String resumeUrl) {

  public ShardPosition {
    if (sessionId == null || sessionId.isBlank()) {
      throw new IllegalArgumentException("sessionId is required");
    }
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be >= 0, got " + seq);
    }
    if (resumeUrl == null || !(resumeUrl.startsWith("ws://") || resumeUrl.startsWith("wss://"))) {
      throw new IllegalArgumentException("resumeUrl must be a ws:// or wss:// URL");
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("sessionId", sessionId).put("seq", seq).put("resumeUrl", resumeUrl);
  }

  /** @throws IllegalArgumentException when a field is missing or malformed */
  public static ShardPosition fromJson(JsonObject json) {
    if (json == null) {
      throw new IllegalArgumentException("position must be an object");
    }
    Object seq = json.getValue("seq");
    if (!(seq instanceof Number n)) {
      throw new IllegalArgumentException("seq must be a number");
    }
    Object sessionId = json.getValue("sessionId");
    Object resumeUrl = json.getValue("resumeUrl");
    if (!(sessionId instanceof String s) || !(resumeUrl instanceof String u)) {
      throw new IllegalArgumentException("sessionId and resumeUrl must be strings");
    }
    return new ShardPosition(s, n.longValue(), u);
  }
}
