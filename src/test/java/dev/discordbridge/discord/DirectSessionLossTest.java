package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.discordbridge.testing.Poll;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sessions Discord will not resume (op 9 false), one after another, on a whole node: every lost
 * session resets the streams, and voice presence after a fresh session equals the new
 * GUILD_CREATE (its members are announced again).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DirectSessionLossTest {
  static final String TOKEN = "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.session-loss-test-token";
  static final String GUILD = "1181471853712130048";
  static final String VOICE = "1181471853712130060";
  static final String ANA = "1181471853712130101";
  static final String USER = "1181471853712130199";
  FakeDiscord discord;
  DirectNode direct;
  SseClient stream;

  @BeforeEach
  void setUp() throws Exception {
    direct = DirectNode.fake(TOKEN);
    discord = direct.discord;
    // about sessions, not rights: its hand-made GUILD_CREATE lists no channels or roles to judge a viewer by
    direct.start("loss", Map.of("DISCORD_PERMISSIONS", "token"));
  }

  @AfterEach
  void tearDown() {
    if (stream != null) {
      stream.close();
    }
    direct.close();
  }

  String token() {
    return direct.mint(USER, List.of(GUILD));
  }

  JsonArray voiceMembers() {
    try {
      HttpResponse<String> r = DirectNode.HTTP.send(HttpRequest.newBuilder(URI.create(direct.base()
              + "/api/guilds/" + GUILD + "/voice")).header("Authorization", "Bearer " + token())
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() != 200 ? null : new JsonObject(r.body()).getJsonObject("channels").getJsonArray(VOICE, new JsonArray());
    } catch (Exception e) {
      return null;
    }
  }

  int identifies() {
    return discord.gateway.received(2).size();
  }

  void guildCreate(boolean anaInVoice) throws Exception {
    JsonArray states = anaInVoice ? new JsonArray().add(new JsonObject().put("user_id", ANA).put("channel_id", VOICE)) : new JsonArray();
    discord.gateway.dispatch(0, "GUILD_CREATE", new JsonObject().put("id", GUILD).put("name", "g").put("voice_states", states)
        .put("members", new JsonArray().add(new JsonObject().put("user", new JsonObject().put("id", ANA).put("username", "ana")))))
        .await();
  }

  /** op 9 false, then the new session's GUILD_CREATE once the bridge identified again. */
  void loseSession(int identifiesBefore, boolean anaInVoice) throws Exception {
    discord.gateway.invalidSession(0, false).await();
    assertNotNull(stream.next("reset", 15_000), "a reset for lost session number " + identifiesBefore);
    Poll.until(15_000, "a new Identify", () -> identifies() == identifiesBefore + 1);
    Poll.until(10_000, "the new session", () -> {
      try {
        return discord.gateway.sessionId(0).toCompletionStage().toCompletableFuture().get() != null;
      } catch (Exception e) {
        return false;
      }
    });
    guildCreate(anaInVoice);
  }

  @Test
  void everyLostSessionResetsAndVoicePresenceFollowsTheNewGuildCreate() throws Exception {
    Poll.until(20_000, "a session", () -> identifies() == 1);
    Poll.until(10_000, "the session ready", () -> {
      try {
        return discord.gateway.sessionId(0).toCompletionStage().toCompletableFuture().get() != null;
      } catch (Exception e) {
        return false;
      }
    });
    guildCreate(true);
    Poll.until(10_000, "ana in voice", () -> voiceMembers() != null && voiceMembers().size() == 1);
    stream = SseClient.open(direct.base(), "/api/stream?guild=" + GUILD, token(), null);
    assertEquals(200, stream.status());
    assertNotNull(stream.next("ready", 10_000));

    loseSession(1, true);
    SseClient.Event joined = stream.next("voice.joined", 10_000);
    assertNotNull(joined, "ana announced again after the fresh session's GUILD_CREATE");
    assertEquals(ANA, joined.json().getJsonObject("data").getString("userId"));
    Poll.until(10_000, "ana in voice after the fresh session", () -> voiceMembers() != null && voiceMembers().size() == 1);

    loseSession(2, false); // a second lost session resets too; ana is gone in the new snapshot
    Poll.until(10_000, "nobody in voice", () -> voiceMembers() != null && voiceMembers().isEmpty());
    loseSession(3, false); // and a third, with nothing published since the last reset
  }
}
