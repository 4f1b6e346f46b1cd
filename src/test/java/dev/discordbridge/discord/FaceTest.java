package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The name and avatar rules of contract section 10, as a table. */
class FaceTest {
  static final String GUILD = "300000000000000001";
  static final String USER = "200000000000000001";
  static final String HASH = "0123456789abcdef0123456789abcdef";
  static final String GUILD_HASH = "a_fedcba9876543210fedcba9876543210";

  @ParameterizedTest(name = "nick={0} global={1} username={2} -> {3}")
  @CsvSource(nullValues = "-", value = {
      "Nicky, Global Ana, ana,   Nicky",
      "-,     Global Ana, ana,   Global Ana",
      "-,     -,          ana,   ana",
      "'  ',  '',         ana,   ana",
      "Nicky, -,          ana,   Nicky",
  })
  void displayNameIsNickElseGlobalNameElseUsername(String nick, String global, String username, String expected) {
    JsonObject user = new JsonObject().put("id", USER).put("username", username).put("global_name", global);
    JsonObject member = new JsonObject().put("nick", nick);
    Face face = Face.of(GUILD, user, member);
    assertEquals(expected, face.displayName());
    assertEquals(username, face.username());
  }

  @ParameterizedTest(name = "user avatar={0} guild avatar={1}")
  @CsvSource(nullValues = "-", value = {
      "-, -, https://cdn.discordapp.com/embed/avatars/" + "0" + ".png",
      HASH + ", -, https://cdn.discordapp.com/avatars/" + USER + "/" + HASH + ".png",
      HASH + ", " + GUILD_HASH + ", https://cdn.discordapp.com/guilds/" + GUILD + "/users/" + USER + "/avatars/" + GUILD_HASH + ".png",
      "not-a-hash, -, https://cdn.discordapp.com/embed/avatars/0.png",
  })
  void avatarIsTheGuildAvatarElseTheUsersElseTheDefault(String userHash, String guildHash, String expected) {
    JsonObject user = new JsonObject().put("id", USER).put("username", "ana").put("avatar", userHash);
    JsonObject member = new JsonObject().put("avatar", guildHash);
    assertEquals(expected, Face.of(GUILD, user, member).avatarUrl());
  }

  @ParameterizedTest
  @CsvSource({
      "200000000000000001, 0",       // 200000000000000001 >> 22 = 47683715820, % 6 = 0
      "1181471853712130101, 0",
      "1181471853716324405, 1",
      "80351110224678912, 5",
  })
  void defaultAvatarIsUserIdShifted22Mod6(String userId, int index) {
    assertEquals(index, (Long.parseLong(userId) >> 22) % 6, "the table itself");
    assertEquals("https://cdn.discordapp.com/embed/avatars/" + index + ".png", Face.defaultAvatar(userId));
  }

  @org.junit.jupiter.api.Test
  void theMembersUserIsUsedWhenNoUserIsGivenAndNothingNamedIsNull() {
    JsonObject member = new JsonObject().put("nick", "N").put("user", new JsonObject().put("id", USER).put("username", "ana"));
    assertEquals(new Face("ana", "N", "https://cdn.discordapp.com/embed/avatars/0.png"), Face.of(GUILD, null, member));
    assertNull(Face.of(GUILD, null, null));
    assertNull(Face.of(GUILD, new JsonObject().put("id", USER), null));
  }
}
