package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.discordbridge.testing.Poll;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract section 10 through a whole node in direct mode: each new event (messageUpdate,
 * messageDelete, reactionRemove) reaches a live stream and is replayed after Last-Event-ID; names
 * and faces reach the stream and voice presence.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DirectFidelityTest {
  static final String TOKEN = "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.direct-fidelity-test-token";
  static final String GUILD = "1181471853712130048";
  static final String TEXT = "1181471853712130052";
  static final String VOICE = "1181471853712130060";
  static final String ANA = "1181471853712130101";
  static final String USER = "1181471853712130199";
  static final String MSG = "1181471853712139001";
  static final String HASH = "0123456789abcdef0123456789abcdef";
  FakeDiscord discord;
  DirectNode direct;

  @BeforeEach
  void setUp() throws Exception {
    direct = DirectNode.fake(TOKEN);
    discord = direct.discord;
    discord.guild(GUILD, List.of(TEXT, VOICE), List.of());
    direct.start("fidelity", Map.of());
    direct.awaitReady(200);
  }

  @AfterEach
  void tearDown() {
    direct.close();
  }

  String base() {
    return direct.base();
  }

  String token() {
    return direct.mint(USER, List.of(GUILD));
  }

  SseClient stream(String lastEventId) throws Exception {
    return direct.stream("/api/stream?guild=" + GUILD, token(), lastEventId);
  }

  HttpResponse<String> get(String path) throws Exception {
    return direct.get(path, token());
  }

  static JsonObject ana() {
    return new JsonObject().put("id", ANA).put("username", "ana").put("global_name", "Ana B.").put("avatar", HASH);
  }

  @Test
  void editsDeletionsAndReactionRemovalsReachStreamsAndAreReplayed() throws Exception {
    SseClient live = stream(null);
    discord.gateway.dispatch(0, "MESSAGE_CREATE", new JsonObject().put("id", MSG).put("guild_id", GUILD)
        .put("channel_id", TEXT).put("content", "first").put("timestamp", "2026-12-02T12:00:00.000000+00:00")
        .put("author", ana()).put("member", new JsonObject().put("nick", "Nana"))).await();
    SseClient.Event created = live.next("messageCreate", 10_000);
    assertNotNull(created);
    JsonObject author = created.json().getJsonObject("data").getJsonObject("author");
    assertEquals("Nana", author.getString("displayName"));
    assertEquals("https://cdn.discordapp.com/avatars/" + ANA + "/" + HASH + ".png", author.getString("avatarUrl"));

    discord.gateway.dispatch(0, "MESSAGE_UPDATE", new JsonObject().put("id", MSG).put("guild_id", GUILD)
        .put("channel_id", TEXT).put("content", "second").put("edited_timestamp", "2026-12-02T12:01:00.000000+00:00")).await();
    discord.gateway.dispatch(0, "MESSAGE_REACTION_REMOVE", new JsonObject().put("guild_id", GUILD).put("channel_id", TEXT)
        .put("user_id", ANA).put("message_id", MSG).put("emoji", new JsonObject().put("name", "👍").putNull("id"))).await();
    discord.gateway.dispatch(0, "MESSAGE_DELETE", new JsonObject().put("id", MSG).put("guild_id", GUILD)
        .put("channel_id", TEXT)).await();
    List<JsonObject> seen = new ArrayList<>();
    for (String name : List.of("messageUpdate", "reactionRemove", "messageDelete")) {
      SseClient.Event e = live.next(name, 10_000);
      assertNotNull(e, name + " not on the stream");
      seen.add(e.json());
    }
    assertEquals(new JsonObject().put("messageId", MSG).put("content", "second").put("editedAt", "2026-12-02T12:01:00.000Z"),
        seen.get(0).getJsonObject("data"));
    assertEquals(new JsonObject().put("messageId", MSG).put("userId", ANA)
        .put("emoji", new JsonObject().put("name", "👍").putNull("id")), seen.get(1).getJsonObject("data"));
    assertEquals(new JsonObject().put("messageId", MSG), seen.get(2).getJsonObject("data"));

    // A client that saw only the create resumes: the three come again, in order.
    SseClient resumed = direct.track(SseClient.open(base(), "/api/stream?guild=" + GUILD, token(), created.id()));
    SseClient.Event ready = resumed.next("ready", 10_000);
    assertEquals(true, ready.json().getBoolean("resumed"));
    List<String> replayed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      SseClient.Event e = resumed.next(10_000);
      assertNotNull(e);
      if (e.name().equals("heartbeat")) {
        i--;
        continue;
      }
      replayed.add(e.name() + " " + e.json().getJsonObject("data").getString("messageId"));
    }
    assertEquals(List.of("messageUpdate " + MSG, "reactionRemove " + MSG, "messageDelete " + MSG), replayed);

    // A bulk deletion: one messageDelete per id.
    discord.gateway.dispatch(0, "MESSAGE_DELETE_BULK", new JsonObject().put("guild_id", GUILD).put("channel_id", TEXT)
        .put("ids", new JsonArray().add("1181471853712139002").add("1181471853712139003"))).await();
    List<String> bulk = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      SseClient.Event e = live.next("messageDelete", 10_000);
      assertNotNull(e, "messageDelete " + i + " of the bulk deletion");
      bulk.add(e.json().getJsonObject("data").getString("messageId"));
    }
    assertEquals(List.of("1181471853712139002", "1181471853712139003"), bulk);
  }

  @Test
  void voicePresenceCarriesDisplayNamesAndAvatars() throws Exception {
    SseClient live = stream(null);
    discord.gateway.dispatch(0, "VOICE_STATE_UPDATE", new JsonObject().put("guild_id", GUILD).put("user_id", ANA)
        .put("channel_id", VOICE).put("member", new JsonObject().put("user", ana()).put("nick", "Nana"))).await();
    SseClient.Event joined = live.next("voice.joined", 10_000);
    assertEquals("Nana", joined.json().getJsonObject("data").getString("displayName"));
    Poll.until(10_000, "ana in voice presence", () -> {
      try {
        JsonArray members = new JsonObject(get("/api/guilds/" + GUILD + "/voice").body()).getJsonObject("channels")
            .getJsonArray(VOICE, new JsonArray());
        return members.size() == 1 && "Nana".equals(members.getJsonObject(0).getString("displayName"))
            && members.getJsonObject(0).getString("avatarUrl").endsWith("/avatars/" + ANA + "/" + HASH + ".png");
      } catch (Exception e) {
        return false;
      }
    });
  }
}
