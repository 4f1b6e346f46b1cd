package dev.discordbridge.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.LegacyAnswer;
import dev.discordbridge.bus.LegacyConnection;
import dev.discordbridge.bus.LegacyInbound;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The legacy bridge's answers, as a pure function of the frame, the caller and the error count. */
class LegacyAnswerTest {
  static final String GUILD = "1100000000000000001";

  static LegacyInbound frame(String text, int errors) {
    return new LegacyInbound("0".repeat(32), "ws_1", "1200000000000000001", List.of(GUILD), text, errors);
  }

  @Test
  void aSubscriptionInsideTheTokenIsConfirmed() {
    LegacyAnswer a = LegacyBridgeVerticle.answer(frame(new JsonObject().put("type", "subscribe").put("guildId", GUILD).encode(), 0));
    assertEquals(GUILD, a.subscribe());
    assertFalse(a.error());
    assertFalse(a.closes());
  }

  @Test
  void aSubscriptionOutsideTheTokenIsAnErrorNotASubscription() {
    LegacyAnswer a = LegacyBridgeVerticle.answer(frame(
        new JsonObject().put("type", "subscribe").put("guildId", "1100000000000000002").encode(), 0));
    assertNull(a.subscribe());
    assertTrue(a.error());
    assertEquals("FORBIDDEN", new JsonObject(a.send()).getString("code"));
  }

  @Test
  void theLastAllowedErrorClosesWith1008() {
    assertFalse(LegacyBridgeVerticle.answer(frame("not json", LegacyBridgeVerticle.MAX_ERRORS - 2)).closes());
    LegacyAnswer last = LegacyBridgeVerticle.answer(frame("not json", LegacyBridgeVerticle.MAX_ERRORS - 1));
    assertTrue(last.error());
    assertEquals(1008, last.closeCode());
  }

  @Test
  void recordsRefuseWhatCannotBeCarriedOut() {
    assertThrows(IllegalArgumentException.class, () -> new LegacyAnswer(null, null, false, 42, null));
    assertThrows(IllegalArgumentException.class, () -> frame("{}", -1));
    assertThrows(IllegalArgumentException.class, () -> new LegacyConnection(LegacyConnection.Event.SUBSCRIBE, "ws_1",
        "u", "n", null, null, null, null));
  }
}
