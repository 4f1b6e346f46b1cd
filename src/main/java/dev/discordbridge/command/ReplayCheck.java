package dev.discordbridge.command;

import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.Times;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * Checks a command read back from a journal before it is sent again: the shape the dispatcher
 * gave it when it was accepted (id, name, ids, actor, trace with its time, data valid for the
 * command's schema). A journal edited by hand, written by a bug or damaged in a way its checksum
 * missed must not put a malformed frame on the link, nor be reported as a command "expired"
 * since 1970.
 */
final class ReplayCheck {
  private static final Pattern COMMAND_ID = Pattern.compile("cmd_[0-9A-HJKMNP-TV-Z]{26}");
  /** A requestedAt further ahead than this is not a time this node wrote. */
  private static final long FUTURE_SLACK_MS = 86_400_000L;

  private final CommandSchemas schemas = new CommandSchemas();

  /** Null when {@code c} can be sent again as it is; else what is wrong with it. */
  String problem(Object value, long nowMs) {
    if (!(value instanceof JsonObject c)) {
      return "the command is not a JSON object";
    }
    if (!(c.getValue("id") instanceof String id) || !COMMAND_ID.matcher(id).matches()) {
      return "id is not a command id";
    }
    if (!(c.getValue("name") instanceof String name) || !schemas.knows(name)) {
      return "name is not a known command";
    }
    if (!(c.getValue("actor") instanceof JsonObject actor) || !Ids.isOpaqueId(actor.getValue("userId"))) {
      return "actor.userId is missing or malformed";
    }
    if (!(c.getValue("trace") instanceof JsonObject trace) || !Ids.isTraceId(trace.getValue("traceId"))) {
      return "trace.traceId is missing or malformed";
    }
    long requestedAt;
    try {
      requestedAt = Times.parse("trace.requestedAt", trace.getValue("requestedAt"));
    } catch (RuntimeException e) {
      return "trace.requestedAt is missing or not a time";
    }
    if (requestedAt <= 0 || requestedAt > nowMs + FUTURE_SLACK_MS) {
      return "trace.requestedAt is not a time this node could have written";
    }
    if (!(c.getValue("data") instanceof JsonObject data)) {
      return "data is not an object";
    }
    var body = data.copy().put("guildId", c.getValue("guildId")).put("channelId", c.getValue("channelId"));
    var result = schemas.validate(name, body);
    if (!result.valid()) {
      var first = result.errors().get(0);
      return "not a valid " + name + ": " + first.field() + " " + first.message();
    }
    try {
      GatewayCommand.fromJson(c);
    } catch (RuntimeException e) {
      return "unreadable: " + e.getMessage();
    }
    return null;
  }
}
