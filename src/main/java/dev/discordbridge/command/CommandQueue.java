package dev.discordbridge.command;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.CommandDrain;
import dev.discordbridge.bus.CommandStatus;
import dev.discordbridge.bus.LinkStatus;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Times;
import dev.discordbridge.ops.TraceLog;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one command queue: accepted commands go upstream in acceptance order within each
 * channel, one at a time per channel (a channel's oldest command is retried until it is
 * delivered, refused or out of attempts; the channel's later ones wait behind it), and up to
 * {@code COMMAND_MAX_IN_FLIGHT} channels at once, so that one channel waiting for Discord's
 * per-channel rate limit (or for retries) does not hold up the others. Capacity
 * ({@code COMMAND_QUEUE_CAPACITY}) counts waiting and in-flight commands of the whole node.
 *
 * <p>Threading: the queue belongs to the context of its one owner, {@link CommandDispatcherVerticle};
 * every method runs there (the edge reaches it over the bus), so the state needs no
 * locks and no context hops.
 *
 * <p>Sending pauses while the link is not usable (from {@code bridge.link.status}) and while the
 * circuit breaker is open; commands then wait, none is dropped. A half-open breaker lets the
 * head through as the probe.
 */
final class CommandQueue {
  private static final Logger log = LoggerFactory.getLogger(CommandQueue.class);
  static final long SHUTDOWN_RETRY_AFTER_MS = 2_000;


  /** How long past {@code COMMAND_ATTEMPT_TIMEOUT_MS} an attempt may take before it is ended as failed. */
  static final long ATTEMPT_GUARD_MS = 1_000;
  /** How often the watchdog looks for lanes held past their deadline (and for a pump that did not happen). */
  static final long WATCHDOG_MS = 1_000;

  private final Vertx vertx;
  private final Context context;
  private final BridgeConfig.Command settings;
  private final RetrySchedule schedule;
  private final CircuitBreaker breaker;
  private final ArrayDeque<PendingCommand> queue = new ArrayDeque<>();
  private final MessageConsumer<LinkStatus> linkStatus;
  private final QueueMeters meters;
  private final QueueLog queueLog = new QueueLog(log);
  private final HubAttempts hub;

  private boolean linkUsable = true;
  /** The channels of the commands in flight or waiting for their retry: one command per channel. */
  private final Lanes lanes = new Lanes();

  private final CommandJournal journal;
  private final long tickTimer;
  /** Commands kept by an earlier life of this node are back in the queue (or expired). */
  private final Future<CommandJournal.Recovery> recovered;
  private final Restorer restorer;

  /** Set when shutdown starts: new commands are refused. */
  private boolean draining;
  /** Set when the drain ends: nothing more is sent, and nothing more is finished or forgotten. */
  private boolean stopped;
  private Promise<Void> drained;

  /**
   * Must be called on the owner context ({@link CommandDispatcherVerticle#start()}).
   *
   * @param journal keeps accepted commands beyond this node's life; see {@link CommandJournal}
   * @param restorer what the owner does with commands that come back from the journal
   */
  CommandQueue(Vertx vertx, BridgeConfig.Command settings, CircuitBreakerOptions breakerOptions, CommandJournal journal,
               Restorer restorer) {
    this.restorer = restorer == null ? Restorer.NONE : restorer;
    this.vertx = vertx;
    this.journal = journal;
    this.context = vertx.getOrCreateContext();
    this.settings = settings;
    this.schedule = new RetrySchedule(settings.backoffBaseMs(), settings.backoffMaxMs(),
        () -> ThreadLocalRandom.current().nextDouble());
    // The breaker's own timeout too: an operation can never hold a half-open breaker's one probe for good.
    var bounded = new CircuitBreakerOptions(breakerOptions).setTimeout(settings.attemptTimeoutMs() + ATTEMPT_GUARD_MS);
    this.breaker = HubAttempts.breaker(vertx, bounded, queue::size, () -> context.runOnContext(x -> pump()));
    this.linkStatus = vertx.eventBus().consumer(Addresses.LINK_STATUS, m -> onLinkStatus(m.body()));
    this.meters = new QueueMeters(breaker);
    this.hub = new HubAttempts(vertx, breaker, settings.attemptTimeoutMs());
    this.tickTimer = vertx.setPeriodic(WATCHDOG_MS, id -> {
      supervise();
      journal.adoptOrphans()
          .onSuccess(list -> list.forEach(this::adopt))
          .onFailure(err -> log.warn("could not look for commands of departed members: {}", err.toString()));
    });
    this.recovered = journal.recover().compose(r -> this.restorer.beforeRestore(r).map(r)).onSuccess(this::restore);
  }

  /**
   * Commands this node accepted in an earlier run (file journal): back in the queue in their
   * order, same ids; those older than {@code COMMAND_MAX_AGE_MS} are failed instead of sent.
   */
  private void restore(CommandJournal.Recovery recovery) {
    int kept = 0;
    var commands = recovery.commands();
    for (CommandJournal.Kept k : commands) {
      GatewayCommand command = k.command();
      PendingCommand p = new PendingCommand(command, restorer.settle(k));
      if (expired(p)) {
        expire(p);
        continue;
      }
      queue.addLast(p);
      kept++;
      TraceLog.info(log, command.traceId(), "command {} {} recovered from the journal, queued at depth {}", command.id(),
          command.name(), queue.size());
    }
    meters.queueChanged(queue);
    if (!commands.isEmpty()) {
      log.info("command journal: {} command(s) of an earlier run queued again with their ids, {} expired", kept,
          commands.size() - kept);
    }
    pump();
  }

  /** A command accepted by a member that left: it goes to the back of this node's queue, same id. */
  private void adopt(CommandJournal.Kept k) {
    GatewayCommand command = k.command();
    PendingCommand p = new PendingCommand(command, restorer.settle(k));
    queue.addLast(p);
    meters.queueChanged(queue);
    meters.adopted.increment();
    TraceLog.warn(log, command.traceId(), "command {} {} adopted from a departed member, queued at depth {}", command.id(),
        command.name(), queue.size());
    pump();
  }

  /** Ready, with what the journal kept from an earlier life (its commands are back in the queue). */
  Future<CommandJournal.Recovery> ready() {
    return Future.all(linkStatus.completion(), recovered).map(v -> recovered.result());
  }

  /** True once shutdown started: the caller answers 503 without taking rate-limit tokens. */
  boolean draining() {
    return draining;
  }

  /**
   * Shutdown: refuses new commands, keeps sending for up to {@code graceMs} (less when the queue
   * empties or the link is not usable: then nothing can drain), then stops sending and closes the
   * journal, where whatever is left stays. Call on the owner context.
   */
  Future<CommandDrain.Report> drain(long graceMs) {
    long started = System.currentTimeMillis();
    draining = true;
    drained = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, graceMs), id -> drained.tryComplete());
    checkDrained();
    return drained.future().compose(v -> {
      vertx.cancelTimer(timer);
      stopped = true;
      long now = System.currentTimeMillis();
      var report = new CommandDrain.Report(queue.size(), journal.keptIn(), now - started, linkUsable,
          queue.isEmpty() ? null : now - queue.peekFirst().command.requestedAt());
      return journal.close()
          .recover(err -> {
            log.error("command journal: closing failed: {}", err.toString());
            return Future.succeededFuture();
          })
          .map(report);
    });
  }

  private void checkDrained() {
    if (drained != null && (queue.isEmpty() || !linkUsable)) {
      drained.tryComplete();
    }
  }

  /** Checked before taking rate-limit tokens, so that a full queue does not cost the user a token. */
  boolean full() {
    return queue.size() >= settings.queueCapacity();
  }

  long retryAfterMs() {
    return !linkUsable || breaker.state() != CircuitBreakerState.CLOSED ? 5_000 : 1_000;
  }

  /**
   * Offers a command: accepted (its outcome completes later) or refused (full, shutting down).
   * {@code settle} runs when the command ends, before its final status is published, so that
   * whoever sees the status also sees what {@code settle} stored.
   */
  Admission offer(GatewayCommand command, String idempotencyKey, Function<Outcome, Future<?>> settle) {
    if (draining) {
      return new Admission(false, false, null, SHUTDOWN_RETRY_AFTER_MS, Future.succeededFuture(), true);
    }
    if (full()) {
      return new Admission(false, false, null, retryAfterMs(), Future.succeededFuture(), false);
    }
    PendingCommand p = new PendingCommand(command, settle);
    queue.addLast(p);
    meters.queueChanged(queue);
    boolean paused = !linkUsable || breaker.state() == CircuitBreakerState.OPEN;
    // One INFO line per command, its outcome; accepted and sent are DEBUG unless the command waits.
    if (paused) {
      TraceLog.info(log, command.traceId(), "command {} {} accepted for user {} in channel {}, queued at depth {} ({})",
          command.id(), command.name(), command.actorUserId(), command.channelId(), queue.size(),
          linkUsable ? "breaker open" : "link down");
    } else {
      TraceLog.debug(log, command.traceId(), "command {} {} accepted for user {} in channel {}, queued at depth {}",
          command.id(), command.name(), command.actorUserId(), command.channelId(), queue.size());
    }
    Future<Void> recorded = journal.record(command, idempotencyKey);
    status(p, "queued", null);
    pump();
    return new Admission(true, paused, p.outcome.future(), 0, recorded, false);
  }

  /**
   * Takes back a command whose journal write failed, if it is still waiting (not the attempt in
   * flight): its 202 could not be kept, so it is refused instead. True when it was taken back.
   */
  boolean withdraw(String commandId, String reason) {
    for (PendingCommand p : queue) {
      if (p.command.id().equals(commandId) && !p.active) {
        queue.remove(p);
        journal.forget(commandId);
        meters.queueChanged(queue);
        status(p, "failed", new JsonObject().put("code", "JOURNAL_UNAVAILABLE").put("message", reason));
        return true;
      }
    }
    return false;
  }

  /** Stops listening, unregisters the gauges and lets go of the journal (the owner was undeployed). */
  Future<Void> close() {
    vertx.cancelTimer(tickTimer);
    linkStatus.unregister();
    meters.close();
    breaker.close();
    return journal.close().otherwiseEmpty();
  }

  // ---- sending ----

  private void onLinkStatus(LinkStatus s) {
    if (s == null || !s.holder()) {
      return; // a standby node's view says nothing about the link
    }
    boolean usable = s.usable();
    if (usable != linkUsable) {
      log.info("upstream link {}: {} command(s) queued", usable ? "usable, sending" : "not usable, holding commands", queue.size());
      linkUsable = usable;
    }
    pump();
    checkDrained();
  }

  /** Starts the oldest waiting command of every free channel, up to COMMAND_MAX_IN_FLIGHT at once. */
  private void pump() {
    if (stopped) {
      return;
    }
    List<PendingCommand> stale = new ArrayList<>();
    for (PendingCommand p : queue) {
      if (!p.active && expired(p)) {
        stale.add(p);
      }
    }
    stale.forEach(this::expire);
    if (queue.isEmpty() || !linkUsable || breaker.state() == CircuitBreakerState.OPEN) {
      return;
    }
    // A half-open breaker lets one command through as the probe.
    boolean probing = breaker.state() == CircuitBreakerState.HALF_OPEN;
    lanes.startable(queue, probing, settings.maxInFlight()).forEach(this::attempt);
  }

  /**
   * One attempt, which always reaches an outcome: the hub's answer, or a failed attempt when
   * anything throws or no answer comes within the attempt timeout plus {@link #ATTEMPT_GUARD_MS}.
   */
  private void attempt(PendingCommand p) {
    p.attempts++;
    int turn = lanes.startAttempt(p, System.currentTimeMillis() + settings.attemptTimeoutMs() + 2 * ATTEMPT_GUARD_MS);
    GatewayCommand c = p.command;
    TraceLog.debug(log, c.traceId(), "command {} {} sent, attempt {}", c.id(), c.name(), p.attempts);
    status(p, "sent", null);
    hub.guarded(c, settings.attemptTimeoutMs() + ATTEMPT_GUARD_MS, err -> queueLog.attemptFailed(c, p.attempts, err))
        .onSuccess(a -> onOwner(() -> ended(p, turn, a)));
  }

  private void onOwner(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  /** An attempt's outcome, unless the lane was freed meanwhile (watchdog) or the command ended. */
  private void ended(PendingCommand p, int turn, HubAttempts.Attempt a) {
    if (turn != p.turn || !p.active || !queue.contains(p)) {
      return;
    }
    lanes.attemptEnded(p);
    try {
      handle(p, a);
    } catch (RuntimeException e) {
      // Whatever went wrong, the lane is not left taken: the command is tried again later.
      queueLog.attemptFailed(p.command, p.attempts, e);
      if (queue.contains(p) && p.active) {
        retryLater(p, HubAttempts.Attempt.failed("INTERNAL", String.valueOf(e)));
      }
    }
  }

  private void handle(PendingCommand p, HubAttempts.Attempt a) {
    GatewayCommand c = p.command;
    if (stopped) {
      // The node is stopping: whatever this attempt did, the command stays in the journal and is
      // sent again (same id) by the next node; the hub de-duplicates.
      return;
    }
    switch (a.kind()) {
      case DELIVERED -> finish(p, new Outcome(Outcome.Kind.DELIVERED, a.result(), null, p.attempts));
      case REJECTED -> finish(p, new Outcome(Outcome.Kind.REJECTED, null, a.error(), p.attempts));
      case BREAKER_OPEN -> {
        p.attempts--; // nothing was sent; the half-open handler pumps again
        lanes.release(p);
      }
      default -> {
        if (a.kind() == HubAttempts.Kind.LINK_DOWN) {
          linkUsable = false; // wait for the holder to say the link is usable again
        }
        retryLater(p, a);
      }
    }
  }

  /** A failed attempt: the command is given up on after COMMAND_MAX_ATTEMPTS, else tried again after its backoff. */
  private void retryLater(PendingCommand p, HubAttempts.Attempt a) {
    GatewayCommand c = p.command;
    if (p.attempts >= settings.maxAttempts()) {
      finish(p, new Outcome(Outcome.Kind.FAILED, null, a.error(), p.attempts));
      return;
    }
    long delay = Math.max(1, schedule.delayMs(p.attempts, a.retryAfterMs()));
    meters.retries.increment();
    queueLog.retrying(c, p.attempts, a.error().getString("code"), delay);
    status(p, "retrying", a.error());
    int turn = p.turn;
    p.deadline = System.currentTimeMillis() + delay + settings.attemptTimeoutMs() + ATTEMPT_GUARD_MS;
    vertx.setTimer(delay, id -> {
      if (turn == p.turn) {
        lanes.release(p);
      }
      pump();
      checkDrained();
    });
  }

  /**
   * The watchdog, once a second: a lane held past its deadline (an attempt or a retry timer that
   * never came back) is freed and its command tried again; a lane taken by no command in the
   * queue is freed; and the queue is pumped, so that a missed wake-up (a breaker notification, a
   * link status) never leaves commands waiting while they could move.
   */
  private void supervise() {
    if (stopped) {
      return;
    }
    long now = System.currentTimeMillis();
    for (PendingCommand p : lanes.overdue(queue, now)) {
      meters.unstuck.increment();
      queueLog.unstuck(p.command, p.attempts, now - p.deadline);
    }
    if (lanes.dropOrphans(queue)) {
      log.error("command queue: freed channel lane(s) taken by no queued command");
      meters.unstuck.increment();
    }
    pump();
    checkDrained();
  }

  private void finish(PendingCommand p, Outcome o) {
    conclude(p, o);
    pump();
    checkDrained();
  }

  /** Ends a command: out of the queue and the journal, counted, settled, its final status published. */
  private void conclude(PendingCommand p, Outcome o) {
    lanes.release(p);
    queue.remove(p);
    Future<?> settled;
    try {
      // before the journal forgets the command: a key it keeps is on disk before the end is
      settled = p.settle == null ? Future.succeededFuture() : p.settle.apply(o);
    } catch (RuntimeException e) {
      settled = Future.failedFuture(e);
    }
    journal.forget(p.command.id());
    meters.queueChanged(queue);
    GatewayCommand c = p.command;
    String status = queueLog.concluded(c, o, settings.maxAgeMs());
    meters.ended(c.name(), status);
    settled.onComplete(ar -> {
      if (ar.failed()) {
        TraceLog.warn(log, c.traceId(), "command {}: settling the outcome failed: {}", c.id(), ar.cause().toString());
      }
      status(p, "expired".equals(status) ? "failed" : status, o.kind() == Outcome.Kind.DELIVERED ? null : o.error());
    });
    p.outcome.complete(o);
  }

  private boolean expired(PendingCommand p) {
    return System.currentTimeMillis() - p.command.requestedAt() > settings.maxAgeMs();
  }

  /** Too old to send (the user moved on long ago): failed loudly, never sent again. */
  private void expire(PendingCommand p) {
    conclude(p, new Outcome(Outcome.Kind.EXPIRED, null, new JsonObject().put("code", "EXPIRED").put("retryable", false)
        .put("message", "queued longer than COMMAND_MAX_AGE_MS (" + settings.maxAgeMs() + " ms)"), p.attempts));
    checkDrained();
  }

  private void status(PendingCommand p, String status, JsonObject error) {
    GatewayCommand c = p.command;
    vertx.eventBus().publish(Addresses.COMMAND_STATUS, new CommandStatus(c.id(), c.name(), c.actorUserId(), c.guildId(),
        c.channelId(), status, p.attempts, c.traceId(), Times.now(), error));
  }

}
