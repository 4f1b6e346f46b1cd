package dev.discordbridge.command;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusFailure;
import dev.discordbridge.bus.CommandDrain;
import dev.discordbridge.bus.CommandOutcome;
import dev.discordbridge.bus.CommandRequest;
import dev.discordbridge.bus.RateCheck;
import dev.discordbridge.bus.RateDecision;
import dev.discordbridge.bus.RateLimits;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.config.CommandBudget;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.ops.SummaryLog;
import dev.discordbridge.ops.TraceLog;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The node's command dispatcher, one instance per node and the one owner of the node's command
 * state: the {@link CommandQueue} (one capacity, one order, one breaker), the
 * {@link IdempotencyStore} when it is node-local, and the journal. It answers
 * {@code bridge.command.submit} (a {@link CommandRequest} from the edge; the first of a command's
 * two bus hops) with a {@link CommandOutcome}: {@link CommandVetting} (name, caller, schema,
 * Idempotency-Key, guild) → refused; idempotency replay; the rate limiter ({@link RateLimits},
 * called in this process) and the queue → refused or accepted; then delivered/rejected when the hub
 * answers within {@code COMMAND_ACK_WAIT_MS} (measured from the POST), else queued while the
 * command goes on in the background ({@code bridge.gateway.command}, the second hop). Every wait
 * takes its share of the one {@link CommandBudget}. It also answers the shutdown drain.
 */
public final class CommandDispatcherVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(CommandDispatcherVerticle.class);
  private static final long SWEEP_MS = 60_000;

  /** 429s are a client's doing: summarised (by bucket scope) at most once per 10 s, never a line each. */
  private final SummaryLog rateLimited = new SummaryLog(log, Level.INFO, "commands rate limited (by bucket scope)", 10_000);
  private final BridgeConfig config;
  private final CommandBudget budget;
  private final RateLimits rateLimits;
  private final IdempotencyStore clusteredStore;
  private final CircuitBreakerOptions breakerOptions;
  private final CommandJournal journal;
  private CommandVetting vetting;
  private CommandQueue queue;
  private IdempotencyStore idempotency;

  /**
   * @param rateLimits the node's rate limiter (the app wires {@code ratelimit.RateLimiter})
   * @param idempotency a cluster-wide store (e.g. {@link HazelcastIdempotencyStore}); null keeps it in this verticle
   * @param breaker options of the circuit breaker in front of the hub
   * @param journal where accepted commands outlive this node (a {@link HazelcastCommandJournal} in
   *     a cluster, a {@link FileCommandJournal} on a node alone); null keeps them only in this node's queue
   */
  public CommandDispatcherVerticle(BridgeConfig config, RateLimits rateLimits, IdempotencyStore idempotency,
                                   CircuitBreakerOptions breaker, CommandJournal journal) {
    this.config = config;
    this.budget = config.command().budget();
    this.rateLimits = rateLimits;
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
    vetting = new CommandVetting();
    idempotency = clusteredStore != null ? clusteredStore : new LocalIdempotencyStore(System::currentTimeMillis);
    queue = new CommandQueue(vertx, config.command(), breakerOptions, journal, new Restorer() {
      @Override
      public Future<Void> beforeRestore(CommandJournal.Recovery recovery) {
        return new KeyRestore(idempotency, config.command()).restore(recovery);
      }

      @Override
      public Function<Outcome, Future<?>> settle(CommandJournal.Kept kept) {
        return CommandDispatcherVerticle.this.settle(kept.command(), kept.idempotencyKey());
      }
    });
    vertx.setPeriodic(SWEEP_MS, id -> idempotency.evictExpired());
    // Keys kept by an earlier life are back before the first request is admitted.
    return queue.ready().compose(v -> {
      var submit = vertx.eventBus().<CommandRequest>localConsumer(Addresses.COMMAND_SUBMIT, this::submit);
      var drain = vertx.eventBus().<CommandDrain>localConsumer(Addresses.COMMAND_DRAIN, m -> queue.drain(m.body().graceMs())
          .onSuccess(m::reply)
          .onFailure(err -> BusFailure.STORE_UNAVAILABLE.fail(m, String.valueOf(err.getMessage()))));
      log.info("command dispatcher started (queue capacity {}, answer within {} ms, side checks within {} ms)",
          config.command().queueCapacity(), budget.answerMs(), budget.storesMs());
      return Future.all(submit.completion(), drain.completion());
    });
  }

  @Override
  public Future<?> stop() {
    return queue.close();
  }

  private void submit(Message<CommandRequest> m) {
    long receivedAt = System.currentTimeMillis();
    CommandRequest request = m.body();
    Future<CommandOutcome> outcome;
    try {
      var vetted = vetting.vet(request, receivedAt);
      String key = request.idempotencyKey();
      outcome = vetted.refusal() != null ? Future.succeededFuture(vetted.refusal())
          : key == null ? admit(vetted.command(), null) : admitOnce(vetted.command(), key);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome.recover(err -> {
      TraceLog.error(log, request.traceId(), "command request failed internally: {}", err.toString());
      return Future.succeededFuture(Outcomes.internal());
    }).onSuccess(m::reply);
  }

  /** With an Idempotency-Key: the first request is admitted, the others get its (latest) outcome again. */
  private Future<CommandOutcome> admitOnce(GatewayCommand c, String key) {
    Future<IdempotencyStore.Entry> claim = idempotency.claim(c.actorUserId(), key, c.id(), config.command().idempotencyTtlMs());
    return StageBudget.by(vertx, claim, c.requestedAt() + budget.storesMs()).compose(existing -> {
      if (existing == null) {
        return admit(c, key);
      }
      QueueMeters.count(c.name(), "replayed");
      TraceLog.info(log, c.traceId(), "command {} replayed from Idempotency-Key: command {}", c.name(), existing.commandId());
      return Future.succeededFuture(existing.reply() == null ? Outcomes.inProgress(existing.commandId())
          : CommandOutcome.fromJson(existing.reply()).asReplay());
    }, err -> {
      if (!(err instanceof StageBudget.Overrun)) {
        return Future.failedFuture(err);
      }
      // A claim that lands after all is freed again: this command was never admitted.
      claim.onSuccess(existing -> {
        if (existing == null) {
          idempotency.release(c.actorUserId(), key, c.id());
        }
      });
      TraceLog.error(log, c.traceId(), "command {} refused: the Idempotency-Key store did not answer within {} ms",
          c.name(), budget.storesMs());
      QueueMeters.count(c.name(), "unavailable");
      return Future.succeededFuture(Outcomes.unavailable("The idempotency store is unavailable; retry shortly."));
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
    Future<RateDecision> check;
    try {
      check = rateLimits.check(new RateCheck(c.actorUserId(), c.channelId(), c.traceId()));
    } catch (RuntimeException e) {
      check = Future.failedFuture(e);
    }
    return StageBudget.by(vertx, check, c.requestedAt() + budget.storesMs()).compose(d -> {
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
    // command the journal could not keep (in its share of the budget) is refused while it can still be taken back.
    return StageBudget.by(vertx, admission.recorded(), c.requestedAt() + budget.storesMs()).compose(v -> answer(c, admission), err -> {
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
    QueueMeters.count(c.name(), outcome);
    if ("saturated".equals(outcome)) {
      TraceLog.warn(log, c.traceId(), "command {} refused: queue saturated", c.name());
    } else if ("shutting_down".equals(outcome)) {
      TraceLog.info(log, c.traceId(), "command {} refused: the node is shutting down", c.name());
    }
    Future<Void> released = key == null ? Future.succeededFuture()
        : StageBudget.by(vertx, idempotency.release(c.actorUserId(), key, c.id()), c.requestedAt() + budget.answerMs())
            .recover(err -> {
              TraceLog.warn(log, c.traceId(), "command {}: Idempotency-Key not freed: {}", c.id(), err.toString());
              return Future.succeededFuture();
            });
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
    long remaining = budget.ackWaitMs() - (System.currentTimeMillis() - c.requestedAt());
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

  /** Restoring kept keys needs the store and the settings only. */
  private record KeyRestore(IdempotencyStore idempotency, BridgeConfig.Command command) {
    /**
     * The Idempotency-Keys the journal kept (file journal: a node on its own), back in the store:
     * those of ended commands with their answer until they expire, those of commands still queued
     * for as long as the command may live. A retry after a restart gets the same command again.
     */
    Future<Void> restore(CommandJournal.Recovery recovery) {
      long now = System.currentTimeMillis();
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
  }
}
