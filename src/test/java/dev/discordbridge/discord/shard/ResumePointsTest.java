package dev.discordbridge.discord.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.discordbridge.bus.ShardStatus;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ResumePointsTest {
  static final String URL = "wss://gateway-us-east1-b.discord.gg";

  static JsonObject saved(String session, long seq, int count) {
    return new ShardPosition(session, seq, URL).toJson().put("shardCount", count).put("epoch", 3);
  }

  static ShardStatus status(String session, long seq, int count) {
    return new ShardStatus(0, count, "n1", "stopped", null, session, seq, URL, true);
  }

  @Test
  void theSavedPositionWinsAndTheFurthestOfOneSession() {
    assertEquals(new ShardPosition("a", 7, URL), ResumePoints.choose(0, 3, saved("a", 7, 3), null));
    assertEquals(new ShardPosition("a", 9, URL), ResumePoints.choose(0, 3, saved("a", 7, 3), status("a", 9, 3)));
    assertEquals(new ShardPosition("b", 2, URL), ResumePoints.choose(0, 3, saved("b", 2, 3), status("a", 9, 3)));
    assertEquals(new ShardPosition("a", 9, URL), ResumePoints.choose(0, 3, null, status("a", 9, 3)));
  }

  @Test
  void aSessionOfAnotherShardCountIsNeverResumed() {
    assertNull(ResumePoints.choose(0, 3, saved("a", 7, 4), null));
    assertNull(ResumePoints.choose(0, 3, null, status("a", 9, 4)));
    assertNull(ResumePoints.choose(0, 3, saved("a", 7, 4), status("a", 9, 4)));
  }
}
