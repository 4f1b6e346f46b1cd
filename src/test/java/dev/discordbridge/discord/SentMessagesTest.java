package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.MessageEcho;
import dev.discordbridge.discord.rest.RestNonce;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** What the bot is known to have posted, by nonce: bounded by age and count; echoes read from MESSAGE_CREATE. */
class SentMessagesTest {
  @Test
  void rememberedUntilTooOldOrTooMany() {
    SentMessages sent = new SentMessages(1_000, 2);
    sent.record("n1", "c", "m1", 0);
    sent.record("n2", "c", "m2", 500);
    assertEquals("m1", sent.byNonce("n1", 900).messageId());
    assertTrue(sent.claimedByOther("m1", "n2"));
    assertFalse(sent.claimedByOther("m1", "n1"));
    assertNull(sent.byNonce("n1", 1_000), "older than keepMs");
    sent.record("n3", "c", "m3", 1_100);
    sent.record("n4", "c", "m4", 1_200);
    assertEquals(2, sent.size());
    assertNull(sent.byNonce("n2", 1_200), "the oldest goes first past maxEntries");
  }

  @Test
  void anEchoIsABotMessageWithTheBridgesNonce() {
    String nonce = RestNonce.of("cmd_1");
    JsonObject d = new JsonObject().put("id", "1181471853712139001").put("channel_id", "1181471853712130052")
        .put("guild_id", "1181471853712130048").put("nonce", nonce);
    assertEquals(new MessageEcho(nonce, "1181471853712130048", "1181471853712130052", "1181471853712139001"),
        SentMessages.echoOf("MESSAGE_CREATE", d));
    assertNull(SentMessages.echoOf("MESSAGE_CREATE", d.copy().put("nonce", "1181471853712139777")), "a client's numeric nonce");
    assertNull(SentMessages.echoOf("MESSAGE_UPDATE", d));
    assertNull(SentMessages.echoOf("MESSAGE_CREATE", d.copy().putNull("nonce")));
  }
}
