package dev.discordbridge.discord.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class GatewayBotTest {
  static JsonObject answer(String url) {
    return new JsonObject().put("url", url).put("shards", 2).put("session_start_limit",
        new JsonObject().put("total", 1000).put("remaining", 998).put("reset_after", 3600_000).put("max_concurrency", 1));
  }

  @Test
  void theGatewayUrlMustBeEncryptedUnlessLoopback() {
    assertEquals(2, GatewayBot.fromJson(answer("wss://gateway.discord.gg")).shards());
    assertEquals(998, GatewayBot.fromJson(answer("ws://127.0.0.1:9000")).sessionStartLimit().remaining());
    var e = assertThrows(IllegalArgumentException.class, () -> GatewayBot.fromJson(answer("ws://gateway.example.com")));
    assertTrue(e.getMessage().contains("wss://"), e.getMessage());
    assertFalse(GatewayUrls.validResumeUrl("ws://resume.example.com"), "a resume URL in clear is not used");
    assertTrue(GatewayUrls.validResumeUrl("wss://gateway-us-east1-b.discord.gg"));
    assertTrue(GatewayUrls.validResumeUrl("ws://[::1]:9000/resume"));
  }
}
