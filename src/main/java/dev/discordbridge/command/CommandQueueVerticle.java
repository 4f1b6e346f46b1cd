package dev.discordbridge.command;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusFailure;
import dev.discordbridge.bus.CommandAdmission;
import dev.discordbridge.bus.CommandDrain;
import dev.discordbridge.bus.CommandOutcome;
import dev.discordbridge.config.Role;
import dev.discordbridge.bus.RateCheck;
import dev.discordbridge.bus.RateDecision;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.ops.TraceLog;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a node's command state, deployed as a single instance: the
 * {@link CommandQueue} (one capacity, one order, one breaker), the {@link IdempotencyStore} when it
 * is node-local, and the journal. Dispatcher instances send it validated commands
 * ({@code bridge.command.admit}); it answers each with a {@link CommandOutcome}: idempotency
 * replay, rate limit → refused, queue → refused or accepted; then delivered/rejected when the hub
 * answers within {@code COMMAND_ACK_WAIT_MS} (measured from the POST), else queued while the
 * command goes on in the background. It also answers the shutdown drain.
 */
public final class CommandQueueVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(CommandQueueVerticle.class);
  /** 429s are a client's doing: summarised (by bucket scope) at most once per 10 s, never a line each. */
  private final dev.discordbridge.ops.SummaryLog rateLimited = new dev.discordbridge.ops.SummaryLog(log,
      org.slf4j.event.Level.INFO, "commands rate limited (by bucket scope)", 10_000);
  private static final long RATE_LIMIT_TIMEOUT_MS = 2_000;
  private static final long SWEEP_MS = 60_000;

  private final BridgeConfig config;
  private final IdempotencyStore clusteredStore;
  private final CircuitBreakerOptions breakerOptions;
  private final CommandJournal journal;
  private CommandQueue queue;
  private IdempotencyStore idempotency;

  /** Idempotency keys in this JVM, no journal, the default breaker. */
  public CommandQueueVerticle(BridgeConfig config) {
    this(config, null, defaultBreaker(), null);
  }

  /**
   * @param idempotency a cluster-wide store (e.g. {@link HazelcastIdempotencyStore}); null keeps it in this verticle
   * @param breaker options of the circuit breaker in front of the hub
   * @param journal where accepted commands outlive this node (a {@link HazelcastCommandJournal} in
   *     a cluster, a {@link FileCommandJournal} on a node alone); null keeps them only in this node's queue
   */
  public CommandQueueVerticle(BridgeConfig config, IdempotencyStore idempotency, CircuitBreakerOptions breaker,
                              CommandJournal journal) {
    this.config = config;
    this.clusteredStore = idempotency;
    this.breakerOptions = breaker;
    this.journal = journal == null ? CommandJournal.local() : journal;
  }

  /** The breaker in front of the hub: open after 5 failed attempts (timeouts, retryable errors), probe after 10 s. */
  public static CircuitBreakerOptions defaultBreaker() {
    return HubAttempts.defaultBreaker();
  }

  @Override
  public Future<?> start() {
    idempotency = clusteredStore != null ? clusteredStore : new LocalIdempotencyStore(System::currentTimeMillis);
    queue = new CommandQueue(vertx, config.command(), breakerOptions, journal, new Restorer() {
      @Override
      public Future<Void> beforeRestore(CommandJournal.Recovery recovery) {
        return restoreKeys(recovery);
      }

      @Override
      public Function<Outcome, Future<?>> settle(CommandJournal.Kept kept) {
        return CommandQueueVerticle.this.settle(kept.command(), kept.idempotencyKey());
      }
    });
    vertx.setPeriodic(SWEEP_MS, id -> idempotency.evictExpired());
    // Keys kept by an earlier life are back before the first request is admitted.
    return queue.ready().compose(v -> {
      var admit = vertx.eventBus().<CommandAdmission>localConsumer(Addresses.COMMAND_ADMIT, this::admit);
      var drain = vertx.eventBus().<CommandDrain>localConsumer(Addresses.COMMAND_DRAIN, m -> queue.drain(m.body().graceMs())
          .onSuccess(m::reply)
          .onFailure(err -> BusFailure.STORE_UNAVAILABLE.fail(m, String.valueOf(err.getMessage()))));
      log.info("command queue started (capacity {}, {} dispatcher instance(s))", config.command().queueCapacity(),
          config.instances(Role.COMMAND_DISPATCHER));
      return Future.all(admit.completion(), drain.completion());
    });
  }

  /**
   * The Idempotency-Keys the journal kept (file journal: a node on its own), back in the store:
   * those of ended commands with their answer until they expire, those of commands still queued
   * for as long as the command may live. A retry after a restart gets the same command again.
   */
  private Future<Void> restoreKeys(CommandJournal.Recovery recovery) {
    long now = System.currentTimeMillis();
    var command = config.command();
    List<Future<?>> restored = new ArrayList<>();
    for (CommandJournal.KeptKey k : recovery.keys()) {
      restored.add(idempotency.claim(k.userId(), k.key(), k.commandId(), k.expiresAt() - now)
          .compose(existing -> existing == null ? idempotency.record(k.userId(), k.key(), k.commandId(), k.reply())
              : Future.succeededFuture()));
    }
    for (CommandJournal.Kept k : recovery.commands()) {
      GatewayCommand c = k.command();
      if (k.idempotencyKey() != null) {
        long ttl = Math.max(1, c.requestedAt() + Math.max(command.idempotencyTtlMs(), command.maxAgeMs()) - now);
        restored.add(idempotency.claim(c.actorUserId(), k.idempotencyKey(), c.id(), ttl)
            .compose(existing -> idempotency.record(c.actorUserId(), k.idempotencyKey(), c.id(),
                CommandOutcome.queued(c.id()).toJson())));
      }
    }
    if (!restored.isEmpty()) {
      log.info("command journal: {} Idempotency-Key(s) of an earlier run restored", restored.size());
    }
    return Future.join(restored).recover(err -> {
      log.error("command journal: restoring Idempotency-Keys failed: {}", err.toString());
      return Future.succeededFuture();
    }).mapEmpty();
  }

  @Override
  public Future<?> stop() {
    return queue.close();
  }

  private void admit(Message<CommandAdmission> m) {
    GatewayCommand c = m.body().command();
    String key = m.body().idempotencyKey();
    Future<CommandOutcome> outcome;
    try {
      outcome = key == null ? admit(c, null) : admitOnce(c, key);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome.recover(err -> {
      TraceLog.error(log, c.traceId(), "command {} could not be admitted: {}", c.id(), err.toString());
      return Future.succeededFuture(Outcomes.internal());
    }).onSuccess(m::reply);
  }

  /** With an Idempotency-Key: the first request is admitted, the others get its (latest) outcome again. */
  private Future<CommandOutcome> admitOnce(GatewayCommand c, String key) {
    return idempotency.claim(c.actorUserId(), key, c.id(), config.command().idempotencyTtlMs()).compose(existing -> {
      if (existing == null) {
        return admit(c, key);
      }
      CommandDispatcherVerticle.count(c.name(), "replayed");
      TraceLog.info(log, c.traceId(), "command {} replayed from Idempotency-Key: command {}", c.name(), existing.commandId());
      return Future.succeededFuture(existing.reply() == null ? Outcomes.inProgress(existing.commandId())
          : CommandOutcome.fromJson(existing.reply()).asReplay());
    });
  }

  /** Rate limit, then the queue; a refusal frees the idempotency key so the client can retry with it. */
  private Future<CommandOutcome> admit(GatewayCommand c, String key) {
    if (queue.draining()) {
      return refuse(c, key, "shutting_down", Outcomes.shuttingDown(CommandQueue.SHUTDOWN_RETRY_AFTER_MS));
    }
    if (queue.full()) {
      return refuse(c, key, "saturated", Outcomes.saturated(queue.retryAfterMs()));
    }
    var check = new RateCheck(c.actorUserId(), c.channelId(), c.traceId());
    var options = new DeliveryOptions().setSendTimeout(RATE_LIMIT_TIMEOUT_MS);
    return vertx.eventBus().<RateDecision>request(Addresses.RATE_LIMIT_CHECK, check, options).compose(limit -> {
      RateDecision d = limit.body();
      if (!d.allowed()) {
        rateLimited.record(d.scope(), c.traceId()); // counted in bridge_commands_total; one summary line per interval
        return refuse(c, key, "rate_limited", Outcomes.rateLimited(d.scope(), d.retryAfterMs()));
      }
      return accepted(c, key, queue.offer(c, key, settle(c, key)));
    }, err -> {
      // Fail closed: without the limiter we cannot protect the hub (and the bot behind it).
      TraceLog.error(log, c.traceId(), "command {} refused: rate limiter unreachable ({})", c.name(), err.toString());
      return refuse(c, key, "unavailable", Outcomes.unavailable("The rate limiter is unavailable; retry shortly."));
    });
  }

  private Future<CommandOutcome> accepted(GatewayCommand c, String key, Admission admission) {
    if (!admission.accepted()) {
      return admission.shuttingDown()
          ? refuse(c, key, "shutting_down", Outcomes.shuttingDown(admission.retryAfterMs()))
          : refuse(c, key, "saturated", Outcomes.saturated(admission.retryAfterMs()));
    }
    if (key != null) {
      idempotency.record(c.actorUserId(), key, c.id(), CommandOutcome.queued(c.id()).toJson())
          .onFailure(err -> TraceLog.warn(log, c.traceId(), "command {}: idempotency record not stored: {}", c.id(), err.toString()));
    }
    // Queued promises the command survives this node: answer only once it is journaled. A
    // command the journal could not keep is refused while it can still be taken back.
    return admission.recorded().compose(v -> answer(c, admission), err -> {
      if (queue.withdraw(c.id(), err.toString())) {
        TraceLog.error(log, c.traceId(), "command {} refused: the journal could not keep it ({}); not sent", c.id(), err.toString());
        return refuse(c, key, "unavailable", Outcomes.unavailable("The command journal is unavailable; retry shortly."));
      }
      TraceLog.warn(log, c.traceId(), "command {}: not journaled ({}); already being sent, it lives on this node only",
          c.id(), err.toString());
      return answer(c, admission);
    });
  }

  private Future<CommandOutcome> refuse(GatewayCommand c, String key, String outcome, CommandOutcome refusal) {
    CommandDispatcherVerticle.count(c.name(), outcome);
    if ("saturated".equals(outcome)) {
      TraceLog.warn(log, c.traceId(), "command {} refused: queue saturated", c.name());
    } else if ("shutting_down".equals(outcome)) {
      TraceLog.info(log, c.traceId(), "command {} refused: the node is shutting down", c.name());
    }
    Future<Void> released = key == null ? Future.succeededFuture() : idempotency.release(c.actorUserId(), key, c.id());
    return released.map(refusal);
  }

  /** Stores the final outcome under the key (before the final status is published). */
  private Function<Outcome, Future<?>> settle(GatewayCommand c, String key) {
    return key == null ? null : o -> {
      JsonObject reply = outcomeOf(c, o).toJson();
      // kept as long as keys are (IDEMPOTENCY_TTL_MS from the request), across restarts too
      journal.keepKey(new CommandJournal.KeptKey(c.actorUserId(), key, c.id(), reply,
          c.requestedAt() + config.command().idempotencyTtlMs()));
      return idempotency.record(c.actorUserId(), key, c.id(), reply);
    };
  }

  /** Delivered or rejected when the hub answers within the ack wait (measured from the POST), else queued. */
  private Future<CommandOutcome> answer(GatewayCommand c, Admission admission) {
    long remaining = config.command().ackWaitMs() - (System.currentTimeMillis() - c.requestedAt());
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

  private static CommandOutcome outcomeOf(GatewayCommand c, Outcome o) {
    return switch (o.kind()) {
      case DELIVERED -> CommandOutcome.delivered(c.id(), o.result());
      case REJECTED -> Outcomes.upstreamRejected(c.id(), o.error(), false);
      case FAILED, EXPIRED -> Outcomes.upstreamRejected(c.id(), o.error(), true);
    };
  }
}
