package dev.discordbridge.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Contract v1.2 section 10 as the hub link and direct mode validate it: the new names and optional faces. */
class FidelityEventsTest {
  static final String MSG = "500000000000000001";
  static final String USER = "200000000000000001";

  static GatewayEvent event(String name, JsonObject data) {
    return GatewayEvent.fromJson(new JsonObject().put("id", "evt_1").put("name", name).put("guildId", "300000000000000001")
        .put("channelId", "400000000000000001").put("occurredAt", "2026-12-07T08:00:00.000Z").put("data", data)
        .put("trace", new JsonObject().put("traceId", "0123456789abcdef0123456789abcdef")), n -> false);
  }

  @Test
  void theNewNamesAreKnownAndReplayed() {
    for (String name : new String[] {"messageUpdate", "messageDelete", "reactionRemove"}) {
      assertFalse(EventName.of(name).ephemeral(), name);
    }
    assertEquals(new JsonObject().put("messageId", MSG).put("content", "new").put("editedAt", "2026-12-07T08:00:01.000Z"),
        event("messageUpdate", new JsonObject().put("messageId", MSG).put("content", "new")
            .put("editedAt", "2026-12-07T08:00:01Z").put("extra", 1)).data());
    assertEquals(new JsonObject().put("messageId", MSG).putNull("editedAt"),
        event("messageUpdate", new JsonObject().put("messageId", MSG)).data());
    assertEquals(new JsonObject().put("messageId", MSG), event("messageDelete", new JsonObject().put("messageId", MSG)).data());
    assertEquals(new JsonObject().put("messageId", MSG).put("userId", USER).put("emoji", new JsonObject().put("name", "x").putNull("id")),
        event("reactionRemove", new JsonObject().put("messageId", MSG).put("userId", USER)
            .put("emoji", new JsonObject().put("name", "x").putNull("id"))).data());
  }

  @Test
  void facesAreOptionalAndChecked() {
    JsonObject author = new JsonObject().put("id", USER).put("username", "ana");
    JsonObject plain = event("messageCreate", new JsonObject().put("messageId", MSG).put("author", author).put("content", "hi")).data();
    assertEquals(author, plain.getJsonObject("author"), "a v1.1 hub's event is unchanged");
    JsonObject faced = event("messageCreate", new JsonObject().put("messageId", MSG).put("content", "hi")
        .put("author", author.copy().put("displayName", "Ana").put("avatarUrl", "https://cdn.discordapp.com/embed/avatars/1.png")))
        .data();
    assertEquals("Ana", faced.getJsonObject("author").getString("displayName"));
    assertThrows(ContractViolation.class, () -> event("messageCreate", new JsonObject().put("messageId", MSG).put("content", "hi")
        .put("author", author.copy().put("avatarUrl", "javascript:alert(1)"))));
    assertThrows(ContractViolation.class, () -> event("voice.joined", new JsonObject().put("userId", USER).put("username", "a")
        .put("channelId", "400000000000000002").put("displayName", " ")));
    assertThrows(ContractViolation.class, () -> event("messageUpdate", new JsonObject().put("messageId", MSG)
        .put("editedAt", "yesterday")));
    assertTrue(event("voice.joined", new JsonObject().put("userId", USER).put("username", "a")
        .put("channelId", "400000000000000002").put("avatarUrl", "https://cdn.discordapp.com/a.png")).data().containsKey("avatarUrl"));
  }
}
