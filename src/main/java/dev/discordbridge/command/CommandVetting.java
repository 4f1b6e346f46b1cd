package dev.discordbridge.command;

import dev.discordbridge.bus.CommandOutcome;
import dev.discordbridge.bus.CommandRequest;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.ops.SummaryLog;
import dev.discordbridge.ops.TraceLog;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * What the dispatcher checks before a command may take a token or a queue place, in its own
 * thread and without I/O: the name is known, there is a caller, the body matches its schema
 * ({@link CommandSchemas}, one validator per schema, built once), the {@code Idempotency-Key} is
 * well formed, the caller may act in the guild (and, with a channel-scoped token, the channel).
 * The result is the command to admit, or the refusal to answer.
 */
final class CommandVetting {
  /** Logged under the dispatcher's name: the refusals are its answers. */
  private static final Logger log = LoggerFactory.getLogger(CommandDispatcherVerticle.class);
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x20-\\x7E]{1,200}");

  /** Either {@code command} (admit it) or {@code refusal} (answer it). */
  record Vetted(GatewayCommand command, CommandOutcome refusal) {}

  /** Invalid and forbidden commands: one summary line per 10 s at most (any user can send them at will). */
  private final SummaryLog refusals = new SummaryLog(log, Level.INFO, "commands refused (invalid: 400, forbidden: 403)", 10_000);
  private final CommandSchemas schemas = new CommandSchemas();

  Vetted vet(CommandRequest request, long receivedAt) {
    String name = request.name();
    String traceId = request.traceId();
    if (name == null || !schemas.knows(name)) {
      QueueMeters.count("unknown", "unknown_command");
      return refused(Outcomes.unknownCommand(name));
    }
    String userId = request.userId();
    if (userId == null) {
      QueueMeters.count(name, "unauthenticated");
      return refused(Outcomes.unauthenticated());
    }
    var validation = schemas.validate(name, request.body());
    String key = request.idempotencyKey();
    boolean badKey = key != null && !IDEMPOTENCY_KEY.matcher(key).matches();
    if (!validation.valid() || badKey) {
      List<FieldError> errors = new ArrayList<>(validation.valid() ? List.of() : validation.errors());
      if (badKey) {
        errors.add(new FieldError("Idempotency-Key", "must be 1 to 200 printable ASCII characters"));
      }
      QueueMeters.count(name, "invalid");
      refusals.record("invalid", traceId); // a client's doing: counted above, summarised, details at DEBUG
      TraceLog.debug(log, traceId, "command {} refused: invalid ({} field error(s))", name, errors.size());
      return refused(Outcomes.invalid(errors));
    }
    String guildId = request.body().getString("guildId");
    if (!request.guilds().contains(guildId)) {
      QueueMeters.count(name, "forbidden");
      refusals.record("forbidden", traceId);
      TraceLog.debug(log, traceId, "command {} refused: user {} may not act in guild {}", name, userId, guildId);
      return refused(Outcomes.forbidden(guildId));
    }
    String channelId = request.body().getString("channelId");
    if (request.channels() != null && !request.channels().contains(channelId)) {
      QueueMeters.count(name, "forbidden");
      TraceLog.info(log, traceId, "command {} refused: user {}'s token does not allow channel {}", name, userId, channelId);
      return refused(Outcomes.missingPermission(channelId, "VIEW_CHANNEL"));
    }
    return new Vetted(new GatewayCommand(Ids.newCommandId(), name, guildId, channelId, userId,
        validation.data(), traceId, receivedAt, request.displayName(), request.avatarUrl()), null);
  }

  private static Vetted refused(CommandOutcome refusal) {
    return new Vetted(null, refusal);
  }
}
