package dev.discordbridge.command;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.CommandDrain;
import dev.discordbridge.bus.CommandOutcome;
import dev.discordbridge.bus.CommandRequest;
import dev.discordbridge.bus.RateCheck;
import dev.discordbridge.bus.RateDecision;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.ops.Metrics;
import dev.discordbridge.ops.TraceLog;
import io.micrometer.core.instrument.Counter;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers relayed {@code POST /api/commands/{name}} ({@code bridge.command.submit}): unknown name →
 * 404, schema → 400, guild → 403, idempotency replay, rate limit → 429, queue → 503 or accepted;
 * then 200/502 when the hub answers within {@code COMMAND_ACK_WAIT_MS}, else 202 while the
 * command goes on in the background.
 *
 * <p>Several instances: each takes a share of the requests (validation, authorization, limits),
 * but all of a node's instances share one {@link CommandQueue} (one capacity, one order, one
 * breaker) and one {@link IdempotencyStore}; the first instance to start owns the queue.
 */
public final class CommandDispatcherVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(CommandDispatcherVerticle.class);
  private static final String SHARED = "bridge.command.node";
  private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x20-\\x7E]{1,200}");
  private static final long RATE_LIMIT_TIMEOUT_MS = 2_000;
  private static final long SWEEP_MS = 60_000;

  private final BridgeConfig config;
  private final IdempotencyStore clusteredStore;
  private final CircuitBreakerOptions breakerOptions;
  private final CommandJournal journal;
  private CommandSchemas schemas;
  private CommandQueue queue;
  private IdempotencyStore idempotency;
  private boolean owner;

  public CommandDispatcherVerticle(BridgeConfig config) {
    this(config, null, defaultBreaker());
  }

  /** The breaker in front of the hub: open after 5 failed attempts (timeouts, retryable errors), probe after 10 s. */
  public static CircuitBreakerOptions defaultBreaker() {
    return CommandQueue.defaultBreaker();
  }

  /**
   * @param idempotency a cluster-wide store (e.g. {@link HazelcastIdempotencyStore}); null keeps it in this JVM
   * @param breaker options of the circuit breaker in front of the hub
   */
  public CommandDispatcherVerticle(BridgeConfig config, IdempotencyStore idempotency, CircuitBreakerOptions breaker) {
    this(config, idempotency, breaker, null);
  }

  /**
   * @param journal where accepted commands outlive this node (a {@link HazelcastCommandJournal} in
   *     a cluster, a {@link FileCommandJournal} on a node alone); null keeps them only in this node's queue
   */
  public CommandDispatcherVerticle(BridgeConfig config, IdempotencyStore idempotency, CircuitBreakerOptions breaker,
                                   CommandJournal journal) {
    this.journal = journal == null ? CommandJournal.local() : journal;
    this.config = config;
    this.clusteredStore = idempotency;
    this.breakerOptions = breaker;
  }

  @Override
  public Future<?> start() {
    schemas = new CommandSchemas();
    LocalMap<String, Shareable> shared = vertx.sharedData().getLocalMap(SHARED);
    Context mine = vertx.getOrCreateContext();
    boolean[] created = new boolean[1];
    queue = (CommandQueue) shared.computeIfAbsent("queue", k -> {
      created[0] = true;
      return new CommandQueue(vertx, config.command(), breakerOptions, journal);
    });
    owner = created[0];
    idempotency = clusteredStore != null ? clusteredStore
        : (IdempotencyStore) shared.computeIfAbsent("idempotency", k -> new LocalIdempotencyStore(System::currentTimeMillis));
    if (owner) {
      vertx.setPeriodic(SWEEP_MS, id -> idempotency.evictExpired());
      log.info("command queue owned by context {} (capacity {}, {} dispatcher instance(s))", mine.deploymentID(),
          config.command().queueCapacity(), config.instances("command-dispatcher"));
    }
    var submit = vertx.eventBus().<CommandRequest>consumer(Addresses.COMMAND_SUBMIT, this::submit);
    if (!owner) {
      return Future.all(queue.ready(), submit.completion());
    }
    var drain = vertx.eventBus().<CommandDrain>localConsumer(Addresses.COMMAND_DRAIN, m -> queue
        .drain(m.body().graceMs())
        .onSuccess(m::reply)
        .onFailure(err -> m.fail(500, String.valueOf(err.getMessage()))));
    return Future.all(queue.ready(), submit.completion(), drain.completion());
  }

  @Override
  public Future<?> stop() {
    if (owner) {
      LocalMap<String, Shareable> shared = vertx.sharedData().getLocalMap(SHARED);
      shared.removeIfPresent("queue", queue);
      return queue.close();
    }
    return Future.succeededFuture();
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
      TraceLog.info(log, traceId, "command {} refused: invalid ({} field error(s))", name, errors.size());
      return Future.succeededFuture(Outcomes.invalid(errors));
    }
    String guildId = request.body().getString("guildId");
    if (!request.guilds().contains(guildId)) {
      count(name, "forbidden");
      TraceLog.info(log, traceId, "command {} refused: user {} may not act in guild {}", name, userId, guildId);
      return Future.succeededFuture(Outcomes.forbidden(guildId));
    }
    var command = new GatewayCommand(Ids.newCommandId(), name, guildId, request.body().getString("channelId"), userId,
        validation.data(), traceId, receivedAt);
    return key == null ? admit(command, null, receivedAt) : admitOnce(command, key, receivedAt);
  }

  /** With an Idempotency-Key: the first request is admitted, the others get its (latest) outcome again. */
  private Future<CommandOutcome> admitOnce(GatewayCommand command, String key, long receivedAt) {
    String userId = command.actorUserId();
    return idempotency.claim(userId, key, command.id(), config.command().idempotencyTtlMs()).compose(existing -> {
      if (existing == null) {
        return admit(command, key, receivedAt);
      }
      count(command.name(), "replayed");
      TraceLog.info(log, command.traceId(), "command {} replayed from Idempotency-Key: command {}", command.name(),
          existing.commandId());
      return Future.succeededFuture(existing.reply() == null ? Outcomes.inProgress(existing.commandId())
          : CommandOutcome.fromJson(existing.reply()).asReplay());
    });
  }

  /** Rate limit, then the queue; a refusal frees the idempotency key so the client can retry with it. */
  private Future<CommandOutcome> admit(GatewayCommand c, String key, long receivedAt) {
    if (queue.draining()) {
      return refuse(c, key, "shutting_down", Outcomes.shuttingDown(CommandQueue.SHUTDOWN_RETRY_AFTER_MS));
    }
    if (queue.looksFull()) {
      return refuse(c, key, "saturated", Outcomes.saturated(queue.retryAfterMs()));
    }
    var check = new RateCheck(c.actorUserId(), c.channelId(), c.traceId());
    var options = new DeliveryOptions().setSendTimeout(RATE_LIMIT_TIMEOUT_MS);
    return vertx.eventBus().<RateDecision>request(Addresses.RATE_LIMIT_CHECK, check, options).compose(limit -> {
      RateDecision d = limit.body();
      if (!d.allowed()) {
        TraceLog.info(log, c.traceId(), "command {} rate limited: scope={} retryAfterMs={}", c.name(), d.scope(), d.retryAfterMs());
        return refuse(c, key, "rate_limited", Outcomes.rateLimited(d.scope(), d.retryAfterMs()));
      }
      return queue.offer(c, settle(c, key)).compose(admission -> accepted(c, key, admission, receivedAt));
    }, err -> {
      // Fail closed: without the limiter we cannot protect the hub (and the bot behind it).
      TraceLog.error(log, c.traceId(), "command {} refused: rate limiter unreachable ({})", c.name(), err.toString());
      return refuse(c, key, "unavailable", Outcomes.unavailable("The rate limiter is unavailable; retry shortly."));
    });
  }

  private Future<CommandOutcome> accepted(GatewayCommand c, String key, CommandQueue.Admission admission, long receivedAt) {
    if (!admission.accepted()) {
      return admission.shuttingDown()
          ? refuse(c, key, "shutting_down", Outcomes.shuttingDown(admission.retryAfterMs()))
          : refuse(c, key, "saturated", Outcomes.saturated(admission.retryAfterMs()));
    }
    if (key != null) {
      idempotency.record(c.actorUserId(), key, c.id(), CommandOutcome.queued(c.id()).toJson())
          .onFailure(err -> TraceLog.warn(log, c.traceId(), "command {}: idempotency record not stored: {}", c.id(), err.toString()));
    }
    // A 202 promises the command survives this node: answer only once it is journaled.
    return admission.recorded()
        .recover(err -> {
          TraceLog.warn(log, c.traceId(), "command {}: not journaled ({}); it lives on this node only", c.id(), err.toString());
          return Future.succeededFuture();
        })
        .compose(v -> answer(c, admission, receivedAt));
  }

  private Future<CommandOutcome> refuse(GatewayCommand c, String key, String outcome, CommandOutcome refusal) {
    count(c.name(), outcome);
    if ("saturated".equals(outcome)) {
      TraceLog.warn(log, c.traceId(), "command {} refused: queue saturated", c.name());
    } else if ("shutting_down".equals(outcome)) {
      TraceLog.info(log, c.traceId(), "command {} refused: the node is shutting down", c.name());
    }
    Future<Void> released = key == null ? Future.succeededFuture() : idempotency.release(c.actorUserId(), key, c.id());
    return released.map(refusal);
  }

  /** Stores the final outcome under the key (before the final status is published). */
  private Function<CommandQueue.Outcome, Future<?>> settle(GatewayCommand c, String key) {
    return key == null ? null : o -> idempotency.record(c.actorUserId(), key, c.id(), outcomeOf(c, o).toJson());
  }

  /** Delivered or rejected when the hub answers within the ack wait (measured from the POST), else queued. */
  private Future<CommandOutcome> answer(GatewayCommand c, CommandQueue.Admission admission, long receivedAt) {
    long remaining = config.command().ackWaitMs() - (System.currentTimeMillis() - receivedAt);
    if (admission.paused() || remaining <= 0) {
      return Future.succeededFuture(CommandOutcome.queued(c.id()));
    }
    Promise<CommandOutcome> outcome = Promise.promise();
    long timer = vertx.setTimer(remaining, id -> outcome.tryComplete(CommandOutcome.queued(c.id())));
    admission.outcome().onSuccess(o -> {
      vertx.cancelTimer(timer);
      outcome.tryComplete(outcomeOf(c, o));
    });
    return outcome.future();
  }

  private static CommandOutcome outcomeOf(GatewayCommand c, CommandQueue.Outcome o) {
    return switch (o.kind()) {
      case DELIVERED -> CommandOutcome.delivered(c.id(), o.result());
      case REJECTED -> Outcomes.upstreamRejected(c.id(), o.error(), false);
      case FAILED, EXPIRED -> Outcomes.upstreamRejected(c.id(), o.error(), true);
    };
  }

  private static void count(String name, String outcome) {
    Counter.builder("bridge_commands").tag("name", name).tag("outcome", outcome)
        .description("Commands by final outcome").register(Metrics.registry()).increment();
  }
}
