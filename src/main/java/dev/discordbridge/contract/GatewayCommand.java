package dev.discordbridge.contract;

import io.vertx.core.json.JsonObject;

/**
 * A command as the bridge sends it upstream (contract section 1). The same id on every try.
 * {@code actorDisplayName} and {@code actorAvatarUrl} (contract section 10, optional) say how the
 * sender is shown: null where the caller's token does not tell.
 */
public record GatewayCommand(String id, String name, String guildId, String channelId, String actorUserId,
                             JsonObject data, String traceId, long requestedAt, String actorDisplayName,
                             String actorAvatarUrl) {

  public GatewayCommand(String id, String name, String guildId, String channelId, String actorUserId,
                        JsonObject data, String traceId, long requestedAt) {
    this(id, name, guildId, channelId, actorUserId, data, traceId, requestedAt, null, null);
  }

  public static final String SEND_MESSAGE = "sendMessage";
  public static final String ADD_REACTION = "addReaction";
  public static final String TYPING_START = "typingStart";

  public JsonObject toJson() {
    return GatewayEvent.head(id, name, guildId, channelId)
        .put("actor", actor())
        .put("data", data)
        .put("trace", new JsonObject().put("traceId", traceId).put("requestedAt", Times.format(requestedAt)));
  }

  private JsonObject actor() {
    JsonObject actor = new JsonObject().put("userId", actorUserId);
    if (actorDisplayName != null) {
      actor.put("displayName", actorDisplayName);
    }
    if (actorAvatarUrl != null) {
      actor.put("avatarUrl", actorAvatarUrl);
    }
    return actor;
  }

  public static GatewayCommand fromJson(JsonObject o) {
    JsonObject trace = o.getJsonObject("trace", new JsonObject());
    JsonObject actor = o.getJsonObject("actor", new JsonObject());
    return new GatewayCommand(o.getString("id"), o.getString("name"), o.getString("guildId"),
        o.getString("channelId"), actor.getString("userId"),
        o.getJsonObject("data", new JsonObject()), trace.getString("traceId"),
        trace.getString("requestedAt") == null ? 0 : Times.parse("trace.requestedAt", trace.getString("requestedAt")),
        actor.getValue("displayName") instanceof String n ? n : null,
        actor.getValue("avatarUrl") instanceof String u ? u : null);
  }
}
