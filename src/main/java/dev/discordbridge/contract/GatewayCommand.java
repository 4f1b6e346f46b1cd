package dev.discordbridge.contract;

import io.vertx.core.json.JsonObject;

/** A command as the bridge sends it upstream (contract section 1). The same id on every try. */
public record GatewayCommand(String id, String name, String guildId, String channelId, String actorUserId,
                             JsonObject data, String traceId, long requestedAt) {

  public static final String SEND_MESSAGE = "sendMessage";
  public static final String ADD_REACTION = "addReaction";
  public static final String TYPING_START = "typingStart";

  public JsonObject toJson() {
    return GatewayEvent.head(id, name, guildId, channelId)
        .put("actor", new JsonObject().put("userId", actorUserId))
        .put("data", data)
        .put("trace", new JsonObject().put("traceId", traceId).put("requestedAt", Times.format(requestedAt)));
  }

  public static GatewayCommand fromJson(JsonObject o) {
    JsonObject trace = o.getJsonObject("trace", new JsonObject());
    return new GatewayCommand(o.getString("id"), o.getString("name"), o.getString("guildId"),
        o.getString("channelId"), o.getJsonObject("actor", new JsonObject()).getString("userId"),
        o.getJsonObject("data", new JsonObject()), trace.getString("traceId"),
        trace.getString("requestedAt") == null ? 0 : Times.parse("trace.requestedAt", trace.getString("requestedAt")));
  }
}
