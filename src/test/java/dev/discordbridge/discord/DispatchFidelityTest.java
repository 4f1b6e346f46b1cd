package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.contract.GatewayEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Contract section 10 from Discord's dispatches: names and faces, edits, deletions, reaction removals. */
class DispatchFidelityTest {
  private static final String SESSION = "0123456789abcdef0123456789abcdef";
  private static final String GUILD = "300000000000000001";
  private static final String TEXT = "400000000000000001";
  private static final String VOICE = "400000000000000002";
  private static final String ANA = "200000000000000001";
  private static final String MSG = "500000000000000001";
  private static final String HASH = "0123456789abcdef0123456789abcdef";
  private static final long NOW = 1_764_097_200_000L;

  private final DispatchMapper mapper = new DispatchMapper();
  private long seq = 1;

  private List<GatewayEvent> map(String type, JsonObject d) {
    return mapper.map(type, d, SESSION, ++seq, NOW);
  }

  private static JsonObject ana() {
    return new JsonObject().put("id", ANA).put("username", "ana").put("global_name", "Ana B.").put("avatar", HASH);
  }

  private JsonObject create(String content) {
    return new JsonObject().put("id", MSG).put("guild_id", GUILD).put("channel_id", TEXT).put("content", content)
        .put("timestamp", "2025-11-25T19:00:00.000000+00:00").put("author", ana())
        .put("member", new JsonObject().put("nick", "Nana"));
  }

  @Test
  void authorsCarryTheGuildNickAndTheirAvatar() {
    JsonObject author = map("MESSAGE_CREATE", create("hi")).get(0).data().getJsonObject("author");
    assertEquals(new JsonObject().put("id", ANA).put("username", "ana").put("displayName", "Nana")
        .put("avatarUrl", "https://cdn.discordapp.com/avatars/" + ANA + "/" + HASH + ".png"), author);
  }

  @Test
  void voiceJoinsAndReactionsCarryTheMembersFace() {
    JsonObject member = new JsonObject().put("user", ana()).put("avatar", "a_" + HASH);
    var joined = map("VOICE_STATE_UPDATE", new JsonObject().put("guild_id", GUILD).put("user_id", ANA)
        .put("channel_id", VOICE).put("member", member)).get(0);
    assertEquals("Ana B.", joined.data().getString("displayName"));
    assertEquals("https://cdn.discordapp.com/guilds/" + GUILD + "/users/" + ANA + "/avatars/a_" + HASH + ".png",
        joined.data().getString("avatarUrl"));
    var reaction = map("MESSAGE_REACTION_ADD", new JsonObject().put("guild_id", GUILD).put("channel_id", TEXT)
        .put("user_id", ANA).put("message_id", MSG).put("emoji", new JsonObject().put("name", "👍").putNull("id"))
        .put("member", new JsonObject().put("user", ana()))).get(0);
    assertEquals("Ana B.", reaction.data().getString("displayName"));
  }

  @Test
  void anEditIsForwardedAndAPartialUpdateKeepsTheContent() {
    map("MESSAGE_CREATE", create("first"));
    var edit = map("MESSAGE_UPDATE", new JsonObject().put("id", MSG).put("guild_id", GUILD).put("channel_id", TEXT)
        .put("content", "second").put("edited_timestamp", "2025-11-25T19:01:00.500000+00:00"));
    assertEquals(1, edit.size());
    assertEquals("messageUpdate", edit.get(0).name());
    assertEquals(new JsonObject().put("messageId", MSG).put("content", "second").put("editedAt", "2025-11-25T19:01:00.500Z"),
        edit.get(0).data());
    // An embed unfurling: no content, no edit time -> nothing.
    assertTrue(map("MESSAGE_UPDATE", new JsonObject().put("id", MSG).put("guild_id", GUILD).put("channel_id", TEXT)
        .put("embeds", new JsonArray())).isEmpty());
    // The same content again without an edit time: nothing changed.
    assertTrue(map("MESSAGE_UPDATE", new JsonObject().put("id", MSG).put("guild_id", GUILD).put("channel_id", TEXT)
        .put("content", "second")).isEmpty());
    // Partial with an edit time: the content it omits is kept.
    var partial = map("MESSAGE_UPDATE", new JsonObject().put("id", MSG).put("guild_id", GUILD).put("channel_id", TEXT)
        .put("edited_timestamp", "2025-11-25T19:02:00.000000+00:00")).get(0);
    assertEquals("second", partial.data().getString("content"));
  }

  @Test
  void deletionsOneEachAndReactionRemovals() {
    var one = map("MESSAGE_DELETE", new JsonObject().put("id", MSG).put("guild_id", GUILD).put("channel_id", TEXT));
    assertEquals(List.of("messageDelete"), one.stream().map(GatewayEvent::name).toList());
    assertEquals(new JsonObject().put("messageId", MSG), one.get(0).data());
    var bulk = map("MESSAGE_DELETE_BULK", new JsonObject().put("guild_id", GUILD).put("channel_id", TEXT)
        .put("ids", new JsonArray().add("500000000000000002").add("500000000000000003")));
    assertEquals(List.of("500000000000000002", "500000000000000003"),
        bulk.stream().map(e -> e.data().getString("messageId")).toList());
    assertEquals("dsc." + SESSION + "." + seq + ".1", bulk.get(1).id());
    var removed = map("MESSAGE_REACTION_REMOVE", new JsonObject().put("guild_id", GUILD).put("channel_id", TEXT)
        .put("user_id", ANA).put("message_id", MSG).put("emoji", new JsonObject().put("name", "party").put("id", "600000000000000001")));
    assertEquals("reactionRemove", removed.get(0).name());
    assertEquals(new JsonObject().put("messageId", MSG).put("userId", ANA)
        .put("emoji", new JsonObject().put("name", "party").put("id", "600000000000000001")), removed.get(0).data());
  }

  @Test
  void contentMemoryIsBounded() {
    var memory = new RecentContents(3);
    for (int i = 0; i < 10; i++) {
      memory.put("m" + i, "c" + i);
    }
    assertEquals(3, memory.size());
    assertEquals("c9", memory.get("m9"));
  }
}
