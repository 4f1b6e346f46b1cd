package dev.discordbridge.sim;

import dev.discordbridge.contract.ContractViolation;
import dev.discordbridge.contract.EventName;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.LinkFrames;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the simulated hub answers {@code command} frames: by default, ok acks that echo messages,
 * reactions and typing into the demo world as events. Ok acks and final errors are remembered per
 * command id (a retry gets the same ack and has no second effect); retryable errors and silence
 * are not. Runs on the hub's context.
 */
final class HubCommands {
  private static final Logger log = LoggerFactory.getLogger(HubCommands.class);
  private static final int COMMAND_MEMORY = 10_000;

  /** The ack to send and the events the command causes (sent after the ack). */
  record Answer(JsonObject ack, List<JsonObject> effects) {}

  private final Roster roster;
  private final Map<String, JsonObject> answered = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, JsonObject> eldest) {
      return size() > COMMAND_MEMORY;
    }
  };

  HubCommands(Roster roster) {
    this.roster = roster;
  }

  /**
   * The answer to a {@code command} frame, or null for none.
   *
   * @param custom a test's answer (the command → the ack, or null for silence), or null for the demo world's
   */
  Answer answer(JsonObject frame, Function<JsonObject, JsonObject> custom) {
    if (!(frame.getValue("command") instanceof JsonObject command) || !Ids.isOpaqueId(command.getValue("id"))) {
      log.warn("simulated hub: a command frame without a command id was ignored");
      return null;
    }
    String id = command.getString("id");
    JsonObject earlier = answered.get(id);
    if (earlier != null) {
      return new Answer(earlier, List.of());
    }
    Answer answer = custom != null ? custom(id, command, custom) : demo(id, command);
    if (answer.ack() == null) {
      return null;
    }
    JsonObject ack = answer.ack();
    JsonObject error = ack.getJsonObject("error");
    if (Boolean.TRUE.equals(ack.getBoolean("ok")) || error == null || !Boolean.TRUE.equals(error.getBoolean("retryable"))) {
      answered.put(id, ack);
    }
    return answer;
  }

  private static Answer custom(String id, JsonObject command, Function<JsonObject, JsonObject> custom) {
    try {
      return new Answer(custom.apply(command.copy()), List.of());
    } catch (RuntimeException e) {
      return new Answer(LinkFrames.ackError(id, "INTERNAL", String.valueOf(e.getMessage()), true, null), List.of());
    }
  }

  private Answer demo(String id, JsonObject command) {
    try {
      List<JsonObject> effects = effects(command);
      JsonObject result = effects.isEmpty() || !GatewayCommand.SEND_MESSAGE.equals(command.getString("name"))
          ? new JsonObject() : new JsonObject().put("messageId", effects.get(0).getJsonObject("data").getString("messageId"));
      return new Answer(LinkFrames.ackOk(id, result), effects);
    } catch (ContractViolation v) {
      return new Answer(LinkFrames.ackError(id, "INVALID_COMMAND", v.getMessage(), false, null), List.of());
    }
  }

  /** What a command does in the demo world: the event it causes. */
  private List<JsonObject> effects(JsonObject command) {
    String guildId = EventName.snowflake(command.getValue("guildId"), "guildId");
    String channelId = EventName.snowflake(command.getValue("channelId"), "channelId");
    JsonObject actor = command.getValue("actor") instanceof JsonObject a ? a : new JsonObject();
    String userId = EventName.snowflake(actor.getValue("userId"), "actor.userId");
    JsonObject data = command.getValue("data") instanceof JsonObject d ? d : new JsonObject();
    String name = String.valueOf(command.getValue("name"));
    List<JsonObject> events = switch (name) {
      case GatewayCommand.SEND_MESSAGE -> List.of(HubEvents.messageCreate(guildId, channelId, userId, roster.username(userId),
          EventName.text(data.getValue("content"), "data.content", 1, EventName.MAX_CONTENT, true)));
      case GatewayCommand.ADD_REACTION -> {
        JsonObject emoji = EventName.emoji(data.getValue("emoji"), "data.emoji");
        yield List.of(HubEvents.reactionAdd(guildId, channelId, EventName.snowflake(data.getValue("messageId"), "data.messageId"),
            userId, emoji.getString("name"), emoji.getString("id")));
      }
      case GatewayCommand.TYPING_START -> List.of(HubEvents.typingStart(guildId, channelId, userId));
      default -> throw new ContractViolation("bad_field", "name", "unknown command \"" + name + "\"");
    };
    // A hub attributes as direct mode does (contract section 10): the sender's display name and avatar.
    if (GatewayCommand.SEND_MESSAGE.equals(name)) {
      JsonObject author = events.get(0).getJsonObject("data").getJsonObject("author");
      if (actor.getValue("displayName") instanceof String shown && !shown.isBlank()) {
        author.put("displayName", shown);
      }
      if (actor.getValue("avatarUrl") instanceof String url && url.startsWith("https://")) {
        author.put("avatarUrl", url);
      }
    }
    // The echo continues the command's trace: a message is traced from the POST to the browser.
    if (command.getValue("trace") instanceof JsonObject trace && Ids.isTraceId(trace.getValue("traceId"))) {
      events.forEach(e -> e.put("trace", new JsonObject().put("traceId", trace.getString("traceId"))));
    }
    return events;
  }
}
