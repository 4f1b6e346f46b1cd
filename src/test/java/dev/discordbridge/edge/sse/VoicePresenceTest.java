package dev.discordbridge.edge.sse;

import static dev.discordbridge.edge.TestEvents.USER;
import static dev.discordbridge.edge.TestEvents.USER_2;
import static dev.discordbridge.edge.TestEvents.VOICE_CHANNEL;
import static dev.discordbridge.edge.TestEvents.VOICE_CHANNEL_2;
import static dev.discordbridge.edge.TestEvents.joined;
import static dev.discordbridge.edge.TestEvents.left;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.discordbridge.edge.TestEvents;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class VoicePresenceTest {
  private static String users(JsonObject channels, String channel) {
    return channels.getJsonArray(channel).stream().map(o -> ((JsonObject) o).getString("userId")).toList().toString();
  }

  @Test
  void joinMoveLeaveAndReset() {
    var v = new VoicePresence();
    v.apply(joined(1, USER, "ana", VOICE_CHANNEL));
    v.apply(joined(2, USER_2, "bo", VOICE_CHANNEL));
    JsonObject c = v.channelsOf(TestEvents.GUILD);
    assertEquals("[" + USER + ", " + USER_2 + "]", users(c, VOICE_CHANNEL));
    assertEquals("ana", c.getJsonArray(VOICE_CHANNEL).getJsonObject(0).getString("username"));
    assertEquals(24, c.getJsonArray(VOICE_CHANNEL).getJsonObject(0).getString("joinedAt").length());

    v.apply(joined(3, USER, "ana", VOICE_CHANNEL_2)); // a move
    c = v.channelsOf(TestEvents.GUILD);
    assertEquals("[" + USER_2 + "]", users(c, VOICE_CHANNEL));
    assertEquals("[" + USER + "]", users(c, VOICE_CHANNEL_2));

    v.apply(left(4, USER_2, VOICE_CHANNEL));
    c = v.channelsOf(TestEvents.GUILD);
    assertEquals(1, c.size());
    assertEquals(new JsonObject(), v.channelsOf(TestEvents.OTHER_GUILD));

    var copy = new VoicePresence();
    copy.load(v.toJson());
    assertEquals(v.toJson(), copy.toJson());

    v.apply(TestEvents.reset(5));
    assertEquals(new JsonObject(), v.channelsOf(TestEvents.GUILD));
  }

  @Test
  void otherEventsAreIgnored() {
    var v = new VoicePresence();
    v.apply(TestEvents.message(1));
    v.apply(left(2, USER, VOICE_CHANNEL));
    assertEquals(new JsonObject(), v.toJson());
  }
}
