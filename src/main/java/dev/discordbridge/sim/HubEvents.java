package dev.discordbridge.sim;

import dev.discordbridge.contract.EventName;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.Times;
import io.vertx.core.json.JsonObject;

/** Events in the contract's shape, as the simulated hub sends them: fresh evt_ id, occurredAt now, fresh trace id. */
public final class HubEvents {
  private HubEvents() {}

  public static JsonObject event(String name, String guildId, String channelId, JsonObject data) {
    return new JsonObject()
        .put("id", Ids.newEventId())
        .put("name", name)
        .put("guildId", guildId)
        .put("channelId", channelId)
        .put("occurredAt", Times.now())
        .put("data", data)
        .put("trace", new JsonObject().put("traceId", Ids.newTraceId()));
  }

  public static JsonObject messageCreate(String guildId, String channelId, String userId, String username, String content) {
    return event(EventName.MESSAGE_CREATE.wire(), guildId, channelId, new JsonObject()
        .put("messageId", Snowflakes.next())
        .put("author", new JsonObject().put("id", userId).put("username", username))
        .put("content", content));
  }

  public static JsonObject reactionAdd(String guildId, String channelId, String messageId, String userId,
                                       String emojiName, String emojiId) {
    return event(EventName.REACTION_ADD.wire(), guildId, channelId, new JsonObject()
        .put("messageId", messageId).put("userId", userId)
        .put("emoji", new JsonObject().put("name", emojiName).put("id", emojiId)));
  }

  public static JsonObject typingStart(String guildId, String channelId, String userId) {
    return event(EventName.TYPING_START.wire(), guildId, channelId, new JsonObject().put("userId", userId));
  }

  public static JsonObject voiceJoined(String guildId, String voiceChannelId, String userId, String username) {
    return event(EventName.VOICE_JOINED.wire(), guildId, voiceChannelId, new JsonObject()
        .put("userId", userId).put("username", username).put("channelId", voiceChannelId));
  }

  public static JsonObject voiceLeft(String guildId, String voiceChannelId, String userId, String reason) {
    return event(EventName.VOICE_LEFT.wire(), guildId, voiceChannelId, new JsonObject()
        .put("userId", userId).put("channelId", voiceChannelId).put("reason", reason));
  }

}
