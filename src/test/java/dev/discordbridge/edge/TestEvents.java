package dev.discordbridge.edge;

import dev.discordbridge.contract.GatewayEvent;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamIds;
import io.vertx.core.json.JsonObject;

/** Builds stream events the way the link holder does. */
public final class TestEvents {
  private TestEvents() {}

  public static final String GUILD = "223344556677889900";
  public static final String OTHER_GUILD = "993344556677889911";
  public static final String CHANNEL = "334455667788990011";
  public static final String VOICE_CHANNEL = "445566778899001122";
  public static final String VOICE_CHANNEL_2 = "445566778899001133";
  public static final String USER = "112233445566778899";
  public static final String USER_2 = "112233445566778800";
  public static final long EPOCH = 1000;

  public static long id(long counter) {
    return StreamIds.of(EPOCH, counter);
  }

  public static StreamEvent message(long counter, String guild, String channel, String content) {
    return event(counter, "messageCreate", guild, channel, new JsonObject().put("messageId", "556677889900112233")
        .put("author", new JsonObject().put("id", USER).put("username", "ana")).put("content", content));
  }

  public static StreamEvent message(long counter) {
    return message(counter, GUILD, CHANNEL, "hi " + counter);
  }

  public static StreamEvent typing(long counter) {
    return event(counter, "typingStart", GUILD, CHANNEL, new JsonObject().put("userId", USER));
  }

  public static StreamEvent joined(long counter, String user, String username, String voiceChannel) {
    return event(counter, "voice.joined", GUILD, voiceChannel,
        new JsonObject().put("userId", user).put("username", username).put("channelId", voiceChannel));
  }

  public static StreamEvent left(long counter, String user, String voiceChannel) {
    return event(counter, "voice.left", GUILD, voiceChannel,
        new JsonObject().put("userId", user).put("channelId", voiceChannel).put("reason", "left"));
  }

  public static StreamEvent event(long counter, String name, String guild, String channel, JsonObject data) {
    long now = System.currentTimeMillis();
    var g = new GatewayEvent("evt_" + counter, name, guild, channel, now, data, "4bf92f3577b34da6a3ce929d0e0e4736");
    return StreamEvent.of(g, id(counter), counter, now, now);
  }

  public static StreamEvent reset(long counter) {
    return StreamEvent.reset(id(counter), "session_invalidated");
  }
}
