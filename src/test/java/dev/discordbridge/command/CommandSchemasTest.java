package dev.discordbridge.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CommandSchemasTest {
  private static final String G = "112233445566778899";
  private static final String C = "223344556677889900";
  private static final CommandSchemas schemas = new CommandSchemas();

  private static Map<String, String> errors(String name, String body) {
    var r = schemas.validate(name, new JsonObject(body));
    assertTrue(!r.valid(), "expected errors for " + body);
    return r.errors().stream().collect(Collectors.toMap(FieldError::field, FieldError::message, (a, b) -> a,
        java.util.LinkedHashMap::new));
  }

  @Test
  void validSendMessageIsCleaned() {
    var r = schemas.validate("sendMessage", new JsonObject()
        .put("guildId", G).put("channelId", C).put("content", "hi\u0007 \u202Ethere").put("replyTo", "334455667788990011"));
    assertTrue(r.valid(), () -> String.valueOf(r.errors()));
    assertEquals(new JsonObject().put("content", "hi there").put("replyTo", "334455667788990011"), r.data());
  }

  @Test
  void eachFieldGetsOneReadableMessage() {
    var e = errors("sendMessage", "{\"guildId\": 12, \"channelId\": \"abc\", \"conent\": \"hi\"}");
    assertEquals(Map.of(
        "guildId", "must be a Discord id: a string of 17 to 20 digits",
        "channelId", "must be a Discord id: a string of 17 to 20 digits",
        "content", "is required",
        "conent", "is not a known field"), e);
  }

  @Test
  void contentLengthAndWhiteSpace() {
    assertEquals(Map.of("content", "must not be empty"),
        errors("sendMessage", "{\"guildId\":\"" + G + "\",\"channelId\":\"" + C + "\",\"content\":\"\"}"));
    assertEquals(Map.of("content", "must be at most 2000 characters"), errors("sendMessage",
        new JsonObject().put("guildId", G).put("channelId", C).put("content", "x".repeat(2001)).encode()));
    assertEquals(Map.of("content", "must contain something other than white space"),
        errors("sendMessage", "{\"guildId\":\"" + G + "\",\"channelId\":\"" + C + "\",\"content\":\" \\n\\t \"}"));
    assertEquals(Map.of("content", "must be a string"),
        errors("sendMessage", "{\"guildId\":\"" + G + "\",\"channelId\":\"" + C + "\",\"content\":5}"));
    // 2000 emoji are 4000 UTF-16 units but 2000 characters: allowed
    var emoji = schemas.validate("sendMessage", new JsonObject().put("guildId", G).put("channelId", C)
        .put("content", "\uD83D\uDE00".repeat(2000)));
    assertTrue(emoji.valid());
  }

  @Test
  void addReactionNestedFields() {
    var e = errors("addReaction", "{\"guildId\":\"" + G + "\",\"channelId\":\"" + C
        + "\",\"messageId\":\"1\",\"emoji\":{\"id\":\"x\",\"extra\":1}}");
    assertEquals(Map.of(
        "messageId", "must be a Discord id: a string of 17 to 20 digits",
        "emoji.name", "is required",
        "emoji.id", "must be a Discord id (a string of 17 to 20 digits) or null",
        "emoji.extra", "is not a known field"), e);
    assertEquals(Map.of("emoji", "must be an object {\"name\", \"id\"}"), errors("addReaction",
        "{\"guildId\":\"" + G + "\",\"channelId\":\"" + C + "\",\"messageId\":\"" + C + "\",\"emoji\":\"x\"}"));
  }

  @Test
  void addReactionDataHasANullableId() {
    var r = schemas.validate("addReaction", new JsonObject().put("guildId", G).put("channelId", C).put("messageId", C)
        .put("emoji", new JsonObject().put("name", "👍")));
    assertTrue(r.valid(), () -> String.valueOf(r.errors()));
    assertEquals(new JsonObject().put("messageId", C).put("emoji", new JsonObject().put("name", "👍").putNull("id")), r.data());
  }

  @Test
  void typingStartTakesNothingElse() {
    assertTrue(schemas.validate("typingStart", new JsonObject().put("guildId", G).put("channelId", C)).valid());
    assertEquals(List.of("content"), List.copyOf(errors("typingStart",
        "{\"guildId\":\"" + G + "\",\"channelId\":\"" + C + "\",\"content\":\"x\"}").keySet()));
  }

  @Test
  void pointerTokensAreDecodedByVertxsParser() {
    assertEquals(List.of("a/b", "~c", "0"), CommandSchemas.tokens(JsonPointer.from("/a~1b/~0c/0")));
    assertEquals(List.of(), CommandSchemas.tokens(JsonPointer.create()));
  }
}
