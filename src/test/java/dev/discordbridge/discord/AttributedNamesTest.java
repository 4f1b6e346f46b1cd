package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.discordbridge.contract.GatewayCommand;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The names a web message is posted under (webhook username, prefix), as a table. */
class AttributedNamesTest {
  static GatewayCommand from(String displayName) {
    return new GatewayCommand("cmd_1", GatewayCommand.SEND_MESSAGE, "300000000000000001", "400000000000000001",
        "200000000000000001", new JsonObject(), "0123456789abcdef0123456789abcdef", 0, displayName, null);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(nullValues = "-", value = {
      "Ana,              Ana",
      "'  Ana  ',        Ana",
      "-,                web user",
      "Discord Fan,      Disc0rd Fan",
      "clyde,            clyte",
      "my DISCORD pal,   my DISC0RD pal",
  })
  void webhookUsernamesAvoidWhatDiscordRefuses(String displayName, String expected) {
    assertEquals(expected, AttributedMessages.username(from(displayName)));
  }

  @org.junit.jupiter.api.Test
  void longNamesAreCutTo80() {
    assertEquals("x".repeat(80), AttributedMessages.username(from("x".repeat(100))));
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource(nullValues = "-", value = {
      "Ana,      hi,   **Ana**: hi",
      "Ana *B*,  hi,   **Ana \\*B\\***: hi",
      "a_b|c,    hi,   **a\\_b\\|c**: hi",
      "-,        hi,   <@200000000000000001>: hi",
  })
  void prefixNamesTheSenderInBold(String displayName, String content, String expected) {
    assertEquals(expected, AttributedMessages.prefixed(from(displayName), content));
  }

  @org.junit.jupiter.api.Test
  void aPrefixedMessageStaysWithin2000Characters() {
    String out = AttributedMessages.prefixed(from("Ana"), "y".repeat(2000));
    assertEquals(2000, out.codePointCount(0, out.length()));
    assertEquals('…', out.charAt(out.length() - 1));
  }

  @org.junit.jupiter.api.Test
  void theActorsDisplayNameTravelsToAHub() {
    JsonObject json = from("Ana B.").toJson();
    assertEquals(new JsonObject().put("userId", "200000000000000001").put("displayName", "Ana B."), json.getJsonObject("actor"));
    assertEquals("Ana B.", GatewayCommand.fromJson(json).actorDisplayName());
    assertEquals(new JsonObject().put("userId", "200000000000000001"), from(null).toJson().getJsonObject("actor"),
        "omitted when unknown");
  }
}
