package dev.discordbridge.command;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.CommandAdmission;
import dev.discordbridge.bus.CommandOutcome;
import dev.discordbridge.bus.CommandRequest;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.ops.Metrics;
import dev.discordbridge.ops.TraceLog;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code bridge.command.submit} (a {@link CommandRequest} from the edge) with a
 * {@link CommandOutcome}: unknown name, no caller, schema and {@code Idempotency-Key} → refused;
 * guild not allowed → refused; otherwise the validated command goes to the node's one
 * {@link CommandQueueVerticle} ({@code bridge.command.admit}), whose outcome is the answer.
 *
 * <p>Several instances: each takes a share of the requests (the schema validation is the costly
 * part); they hold no shared state, the queue verticle owns it.
 */
public final class CommandDispatcherVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(CommandDispatcherVerticle.class);
  /** Invalid and forbidden commands: one summary line per 10 s at most (any user can send them at will). */
  private final dev.discordbridge.ops.SummaryLog refusals = new dev.discordbridge.ops.SummaryLog(log,
      org.slf4j.event.Level.INFO, "commands refused (invalid: 400, forbidden: 403)", 10_000);
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x20-\\x7E]{1,200}");
  /** The queue answers within the ack wait (plus journaling); past this margin something is wrong. */
  private static final long ADMIT_MARGIN_MS = 4_000;

  private final BridgeConfig config;
  private CommandSchemas schemas;

  public CommandDispatcherVerticle(BridgeConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    schemas = new CommandSchemas();
    return vertx.eventBus().<CommandRequest>consumer(Addresses.COMMAND_SUBMIT, this::submit).completion();
  }

  private void submit(Message<CommandRequest> m) {
    long receivedAt = System.currentTimeMillis();
    CommandRequest request = m.body();
    Future<CommandOutcome> outcome;
    try {
      outcome = handle(request, receivedAt);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome.recover(err -> {
      TraceLog.error(log, request.traceId(), "command request failed internally: {}", err.toString());
      return Future.succeededFuture(Outcomes.internal());
    }).onSuccess(m::reply);
  }

  private Future<CommandOutcome> handle(CommandRequest request, long receivedAt) {
    String name = request.name();
    String traceId = request.traceId();
    if (name == null || !schemas.knows(name)) {
      count("unknown", "unknown_command");
      return Future.succeededFuture(Outcomes.unknownCommand(name));
    }
    String userId = request.userId();
    if (userId == null) {
      count(name, "unauthenticated");
      return Future.succeededFuture(Outcomes.unauthenticated());
    }
    var validation = schemas.validate(name, request.body());
    String key = request.idempotencyKey();
    boolean badKey = key != null && !IDEMPOTENCY_KEY.matcher(key).matches();
    if (!validation.valid() || badKey) {
      List<FieldError> errors = new ArrayList<>(validation.valid() ? List.of() : validation.errors());
      if (badKey) {
        errors.add(new FieldError("Idempotency-Key", "must be 1 to 200 printable ASCII characters"));
      }
      count(name, "invalid");
      refusals.record("invalid", traceId); // a client's doing: counted above, summarised, details at DEBUG
      TraceLog.debug(log, traceId, "command {} refused: invalid ({} field error(s))", name, errors.size());
      return Future.succeededFuture(Outcomes.invalid(errors));
    }
    String guildId = request.body().getString("guildId");
    if (!request.guilds().contains(guildId)) {
      count(name, "forbidden");
      refusals.record("forbidden", traceId);
      TraceLog.debug(log, traceId, "command {} refused: user {} may not act in guild {}", name, userId, guildId);
      return Future.succeededFuture(Outcomes.forbidden(guildId));
    }
    String channelId = request.body().getString("channelId");
    if (request.channels() != null && !request.channels().contains(channelId)) {
      count(name, "forbidden");
      TraceLog.info(log, traceId, "command {} refused: user {}'s token does not allow channel {}", name, userId, channelId);
      return Future.succeededFuture(Outcomes.missingPermission(channelId, "VIEW_CHANNEL"));
    }
    var command = new GatewayCommand(Ids.newCommandId(), name, guildId, channelId, userId,
        validation.data(), traceId, receivedAt, request.displayName(), request.avatarUrl());
    var options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(config.command().ackWaitMs() + ADMIT_MARGIN_MS);
    return vertx.eventBus().<CommandOutcome>request(Addresses.COMMAND_ADMIT, new CommandAdmission(command, key), options)
        .map(Message::body);
  }

  static void count(String name, String outcome) {
    Counter.builder("bridge_commands").tag("name", name).tag("outcome", outcome)
        .description("Commands by final outcome").register(Metrics.registry()).increment();
  }
}
