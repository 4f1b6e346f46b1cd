package dev.discordbridge.discord.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

class RestRouteTest {

  @Test
  void theMajorParameterIsKeptAndOtherIdsAreReplaced() {
    RestRoute r = RestRoute.of(HttpMethod.PUT, "/channels/123/messages/456/reactions/%F0%9F%91%8D/@me");
    assertEquals("PUT /channels/123/messages/:id/reactions/:emoji/@me", r.key());
    assertEquals("channels/123", r.major());
    assertEquals(r.key(), RestRoute.of(HttpMethod.PUT, "/channels/123/messages/789/reactions/party%3A42/@me").key(),
        "reactions on every message of a channel share one route key");
    assertNotEquals(r.key(), RestRoute.of(HttpMethod.PUT, "/channels/124/messages/456/reactions/x/@me").key(),
        "another channel is another route");
    assertEquals("POST /channels/123/messages", RestRoute.of(HttpMethod.POST, "/channels/123/messages").key());
    assertEquals("GET /gateway/bot", RestRoute.of(HttpMethod.GET, "/gateway/bot").key());
    assertEquals("", RestRoute.of(HttpMethod.GET, "/gateway/bot").major());
    assertEquals("PATCH /guilds/99/members/:id", RestRoute.of(HttpMethod.PATCH, "/guilds/99/members/12?x=1").key());
  }

  @Test
  void aWebhookTokenIsPartOfTheMajorParameterButNeverPrinted() {
    RestRoute r = RestRoute.of(HttpMethod.POST, "/webhooks/77/s3cr3t-token");
    assertEquals("webhooks/77/s3cr3t-token", r.major());
    assertFalse(r.toString().contains("s3cr3t"), r.toString());
    assertEquals("POST /webhooks/77/:token", r.toString());
  }

  @Test
  void aPathMustStartWithASlash() {
    assertThrows(IllegalArgumentException.class, () -> RestRoute.of(HttpMethod.GET, "gateway/bot"));
  }
}
