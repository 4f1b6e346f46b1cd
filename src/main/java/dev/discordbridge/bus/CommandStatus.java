package dev.discordbridge.bus;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * Published on {@link Addresses#COMMAND_STATUS} by the command queue: one lifecycle transition of a
 * command ({@code queued}, {@code sent}, {@code retrying}, {@code delivered}, {@code rejected},
 * {@code failed}). The stream edge forwards {@link #toJson()} as the {@code commandStatus} SSE
 * frame to the command's user; {@code error} is the hub's error object, when there is one.
 */
public record CommandStatus(String commandId, String name, String userId, String guildId, String channelId,
                            String status, int attempt, String traceId, String at, JsonObject error) {
  public CommandStatus {
    Objects.requireNonNull(commandId, "commandId");
    Objects.requireNonNull(status, "status");
  }

  /** The page's frame, fields in the contract's order; no {@code error} key when there is none. */
  public JsonObject toJson() {
    var o = new JsonObject().put("commandId", commandId).put("name", name).put("userId", userId)
        .put("guildId", guildId).put("channelId", channelId).put("status", status)
        .put("attempt", attempt).put("traceId", traceId).put("at", at);
    if (error != null) {
      o.put("error", error);
    }
    return o;
  }
}
