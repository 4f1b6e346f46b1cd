package dev.discordbridge.command;

import dev.discordbridge.bus.CommandOutcome;
import dev.discordbridge.bus.CommandOutcome.Code;
import dev.discordbridge.bus.CommandOutcome.FieldProblem;
import dev.discordbridge.bus.CommandOutcome.Refusal;
import dev.discordbridge.bus.UpstreamAck;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The dispatcher's answers to a {@code POST /api/commands/{name}}, in domain terms: one factory per
 * outcome of contract section 3 it decides, with the message the client reads. The edge turns them
 * into HTTP (stream/CommandAnswers).
 */
final class Outcomes {
  private Outcomes() {}

  /** Wait suggested where the contract only says "retry shortly" (Retry-After: 1). */
  static final long SHORTLY_MS = 1_000;

  static CommandOutcome invalid(List<FieldError> fields) {
    String message = fields.size() == 1
        ? "The request body is invalid: " + fields.get(0).field() + " " + fields.get(0).message() + "."
        : "The request body is invalid: " + fields.size() + " fields have errors.";
    var problems = fields.stream().map(f -> new FieldProblem(f.field(), f.message())).toList();
    return refused(new Refusal(Code.VALIDATION_FAILED, message, problems, null, null, null, null, null));
  }

  static CommandOutcome unauthenticated() {
    return refused(Refusal.of(Code.UNAUTHENTICATED, "No caller identity came with the request."));
  }

  /** Contract section 9: a guild outside the caller's {@code guilds} claim. */
  static final String GUILD_NOT_ALLOWED = "GUILD_NOT_ALLOWED";

  static CommandOutcome forbidden(String guildId) {
    return refused(new Refusal(Code.FORBIDDEN, "You may not act in guild " + guildId + ".", null, null, null, null,
        null, GUILD_NOT_ALLOWED));
  }

  /** Contract section 9: the caller's token's {@code channels} claim leaves this channel out. */
  static CommandOutcome missingPermission(String channelId, String permission) {
    return refused(new Refusal(Code.FORBIDDEN, "You lack " + permission + " in channel " + channelId + ".", null, null,
        null, null, null, UpstreamAck.MISSING_PERMISSION, permission));
  }

  static CommandOutcome unknownCommand(String name) {
    return refused(Refusal.of(Code.UNKNOWN_COMMAND,
        "There is no command named \"" + shown(name) + "\"; known: addReaction, sendMessage, typingStart."));
  }

  static CommandOutcome inProgress(String commandId) {
    return refused(new Refusal(Code.IDEMPOTENCY_IN_PROGRESS,
        "A request with this Idempotency-Key is still being admitted; retry shortly.", null, commandId, null,
        SHORTLY_MS, null, null));
  }

  static CommandOutcome rateLimited(String scope, long retryAfterMs) {
    String who = "user".equals(scope) ? "You are" : "This channel is";
    return refused(new Refusal(Code.RATE_LIMITED, who + " sending commands too fast; retry in " + retryAfterMs + " ms.",
        null, null, scope, retryAfterMs, null, null));
  }

  static CommandOutcome saturated(long retryAfterMs) {
    return refused(new Refusal(Code.QUEUE_SATURATED, "The command queue is full; retry later.", null, null, null,
        retryAfterMs, null, null));
  }

  /** The node is stopping (SIGTERM): retry, another node (or this one, restarted) takes the command. */
  static CommandOutcome shuttingDown(long retryAfterMs) {
    return refused(new Refusal(Code.SHUTTING_DOWN, "This node is shutting down; retry shortly.", null, null, null,
        retryAfterMs, null, null));
  }

  static CommandOutcome unavailable(String message) {
    return refused(new Refusal(Code.SERVICE_UNAVAILABLE, message, null, null, null, SHORTLY_MS, null, null));
  }

  static CommandOutcome internal() {
    return refused(Refusal.of(Code.INTERNAL, "The command could not be handled."));
  }

  /** The hub refused the command (or every attempt failed), with the hub's code. */
  static CommandOutcome upstreamRejected(String commandId, JsonObject upstreamError, boolean retriesExhausted) {
    JsonObject e = upstreamError == null ? new JsonObject() : upstreamError;
    if (UpstreamAck.CHANNEL_NOT_IN_GUILD.equals(e.getString("code"))) {
      // Refused before anything was sent (direct mode): the caller's mistake, not the upstream's.
      return refused(new Refusal(Code.FORBIDDEN, e.getString("message", "The channel is not one of this guild's."),
          null, commandId, null, null, null, UpstreamAck.CHANNEL_NOT_IN_GUILD));
    }
    String code = e.getString("code");
    if (UpstreamAck.MISSING_PERMISSION.equals(code) || UpstreamAck.BOT_MISSING_PERMISSION.equals(code)) {
      // Refused before anything was sent (direct mode): the caller's or the bot's Discord permissions.
      return refused(new Refusal(Code.FORBIDDEN, e.getString("message", "A Discord permission is missing."), null,
          commandId, null, null, null, code, e.getString("permission")));
    }
    String message = retriesExhausted
        ? "The hub did not accept the command after every attempt (last error: " + e.getString("code", "UNKNOWN") + ")."
        : "The hub refused the command: " + e.getString("message", e.getString("code", "no reason given"));
    return refused(new Refusal(Code.UPSTREAM_REJECTED, message, null, commandId, null, null,
        e.getString("code", "UNKNOWN"), retriesExhausted ? "retries_exhausted" : null));
  }

  private static CommandOutcome refused(Refusal r) {
    return CommandOutcome.refused(r);
  }

  private static String shown(String s) {
    if (s == null) {
      return "";
    }
    String t = s.replaceAll("[^A-Za-z0-9._-]", "?");
    return t.length() > 40 ? t.substring(0, 40) + "…" : t;
  }
}
