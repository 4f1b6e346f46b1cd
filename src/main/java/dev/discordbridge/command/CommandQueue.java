package dev.discordbridge.command;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.CommandDrain;
import dev.discordbridge.bus.CommandStatus;
import dev.discordbridge.bus.LinkStatus;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Times;
import dev.discordbridge.ops.Metrics;
import dev.discordbridge.ops.TraceLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * <p>Threading: the queue belongs to the context of its one owner, {@link CommandQueueVerticle};
 * every method runs there (dispatcher instances reach it over the bus), so the state needs no
 * locks and no context hops.
 *
 * <p>Sending pauses while the link is not usable (from {@code bridge.link.status}) and while the
 * circuit breaker is open; commands then wait, none is dropped. A half-open breaker lets the
 * head through as the probe.
 */
final class CommandQueue {
  private static final Logger log = LoggerFactory.getLogger(CommandQueue.class);
  static final long SHUTDOWN_RETRY_AFTER_MS = 2_000;

  enum Kind { DELIVERED, REJECTED, FAILED, EXPIRED }

  /** How a command ended: {@code result} when delivered, the hub's (last) {@code error} otherwise. */
  record Outcome(Kind kind, JsonObject result, JsonObject error, int attempts) {}

  /**
   * What {@link #offer} says. {@code paused}: the link is down or the breaker open, so no ack can
   * come soon and the caller should answer 202 at once. {@code shuttingDown}: refused because the
   * node is stopping (not because the queue is full).
   */
  record Admission(boolean accepted, boolean paused, Future<Outcome> outcome, long retryAfterMs, Future<Void> recorded,
                   boolean shuttingDown) {}

  private static final class Pending {
    final GatewayCommand command;
    final Function<Outcome, Future<?>> settle;
    final Promise<Outcome> outcome = Promise.promise();
    int attempts;
    /** An attempt is in flight, or the command waits for its retry: its channel's lane is taken. */
    boolean active;

    Pending(GatewayCommand command, Function<Outcome, Future<?>> settle) {
      this.command = command;
      this.settle = settle;
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final BridgeConfig.Command settings;
  private final RetrySchedule schedule;
  private final CircuitBreaker breaker;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final MessageConsumer<LinkStatus> linkStatus;
  private final MeterRegistry registry = Metrics.registry();
  private final Gauge depthGauge;
  private final Gauge breakerGauge;
  private final Counter retries;
  private final HubAttempts hub;

  /** The queue's size, kept for the depth gauge (read by the metrics scrape on another thread). */
  private volatile int depth;
  private boolean linkUsable = true;
  /** The channels of the commands in flight or waiting for their retry: one command per channel. */
  private final Set<String> busyLanes = new HashSet<>();

  private final CommandJournal journal;
  private final Counter adopted;
  private final long adoptTimer;
  /** Commands kept by an earlier life of this node are back in the queue (or expired). */
  private final Future<Void> recovered;

  /** Set when shutdown starts: new commands are refused. */
  private boolean draining;
  /** Set when the drain ends: nothing more is sent, and nothing more is finished or forgotten. */
  private boolean stopped;
  private Promise<Void> drained;

  /** Must be called on the owner context ({@link CommandQueueVerticle#start()}). */
  CommandQueue(Vertx vertx, BridgeConfig.Command settings, CircuitBreakerOptions breakerOptions) {
    this(vertx, settings, breakerOptions, CommandJournal.local());
  }

  /** @param journal keeps accepted commands beyond this node's life (a cluster); see {@link CommandJournal} */
  CommandQueue(Vertx vertx, BridgeConfig.Command settings, CircuitBreakerOptions breakerOptions, CommandJournal journal) {
    this.vertx = vertx;
    this.journal = journal;
    this.context = vertx.getOrCreateContext();
    this.settings = settings;
    this.schedule = new RetrySchedule(settings.backoffBaseMs(), settings.backoffMaxMs(),
        () -> ThreadLocalRandom.current().nextDouble());
    this.breaker = CircuitBreaker.create("bridge-command-hub", vertx, breakerOptions)
        .openHandler(v -> log.warn("command breaker open: the hub keeps failing; commands wait in the queue ({} waiting)", queue.size()))
        .halfOpenHandler(v -> context.runOnContext(x -> {
          log.info("command breaker half-open: probing the hub with the next command");
          pump();
        }))
        .closeHandler(v -> context.runOnContext(x -> {
          log.info("command breaker closed");
          pump();
        }));
    this.linkStatus = vertx.eventBus().consumer(Addresses.LINK_STATUS, m -> onLinkStatus(m.body()));
    this.depthGauge = Gauge.builder("bridge_command_queue_depth", this, q -> q.depth)
        .description("Commands accepted and not yet finished (waiting or in flight), this node").register(registry);
    this.breakerGauge = Gauge.builder("bridge_command_breaker_state", this, q -> q.breakerValue())
        .description("Command circuit breaker: 0 closed, 1 half-open, 2 open").register(registry);
    this.retries = Counter.builder("bridge_command_retries").description("Command attempts retried").register(registry);
    this.hub = new HubAttempts(vertx, breaker, settings.attemptTimeoutMs());
    this.adopted = Counter.builder("bridge_command_adopted")
        .description("Commands adopted from a cluster member that left before they ended").register(registry);
    this.adoptTimer = vertx.setPeriodic(1_000, id -> journal.adoptOrphans()
        .onSuccess(list -> list.forEach(this::adopt))
        .onFailure(err -> log.warn("could not look for commands of departed members: {}", err.toString())));
    this.recovered = journal.recover().onSuccess(this::restore).mapEmpty();
  }

  /**
   * Commands this node accepted in an earlier run (file journal): back in the queue in their
   * order, same ids; those older than {@code COMMAND_MAX_AGE_MS} are failed instead of sent.
   */
  private void restore(List<GatewayCommand> commands) {
    int kept = 0;
    for (GatewayCommand command : commands) {
      Pending p = new Pending(command, null);
      if (expired(p)) {
        expire(p);
        continue;
      }
      queue.addLast(p);
      kept++;
      TraceLog.info(log, command.traceId(), "command {} {} recovered from the journal, queued at depth {}", command.id(),
          command.name(), queue.size());
    }
    depth = queue.size();
    if (!commands.isEmpty()) {
      log.info("command journal: {} command(s) of an earlier run queued again with their ids, {} expired", kept,
          commands.size() - kept);
    }
    pump();
  }

  /** A command accepted by a member that left: it goes to the back of this node's queue, same id. */
  private void adopt(GatewayCommand command) {
    Pending p = new Pending(command, null);
    queue.addLast(p);
    depth = queue.size();
    adopted.increment();
    TraceLog.warn(log, command.traceId(), "command {} {} adopted from a departed member, queued at depth {}", command.id(),
        command.name(), queue.size());
    pump();
  }

  static CircuitBreakerOptions defaultBreaker() {
    return new CircuitBreakerOptions().setMaxFailures(5).setResetTimeout(10_000).setTimeout(-1)
        .setNotificationAddress(null).setFallbackOnFailure(false);
  }

  Future<Void> ready() {
    return Future.all(linkStatus.completion(), recovered).mapEmpty();
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
  Admission offer(GatewayCommand command, Function<Outcome, Future<?>> settle) {
    if (draining) {
      return new Admission(false, false, null, SHUTDOWN_RETRY_AFTER_MS, Future.succeededFuture(), true);
    }
    if (full()) {
      return new Admission(false, false, null, retryAfterMs(), Future.succeededFuture(), false);
    }
    Pending p = new Pending(command, settle);
    queue.addLast(p);
    depth = queue.size();
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
    Future<Void> recorded = journal.record(command);
    status(p, "queued", null);
    pump();
    return new Admission(true, paused, p.outcome.future(), 0, recorded, false);
  }

  /**
   * Takes back a command whose journal write failed, if it is still waiting (not the attempt in
   * flight): its 202 could not be kept, so it is refused instead. True when it was taken back.
   */
  boolean withdraw(String commandId, String reason) {
    for (Pending p : queue) {
      if (p.command.id().equals(commandId) && !p.active) {
        queue.remove(p);
        journal.forget(commandId);
        depth = queue.size();
        status(p, "failed", new JsonObject().put("code", "JOURNAL_UNAVAILABLE").put("message", reason));
        return true;
      }
    }
    return false;
  }

  /** Stops listening, unregisters the gauges and lets go of the journal (the owner was undeployed). */
  Future<Void> close() {
    vertx.cancelTimer(adoptTimer);
    linkStatus.unregister();
    registry.remove(depthGauge);
    registry.remove(breakerGauge);
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
    List<Pending> stale = new ArrayList<>();
    for (Pending p : queue) {
      if (!p.active && expired(p)) {
        stale.add(p);
      }
    }
    stale.forEach(this::expire);
    if (queue.isEmpty() || !linkUsable || breaker.state() == CircuitBreakerState.OPEN) {
      return;
    }
    // A half-open breaker lets one command through as the probe.
    int limit = breaker.state() == CircuitBreakerState.HALF_OPEN ? 1 : settings.maxInFlight();
    Set<String> passed = new HashSet<>();
    List<Pending> start = new ArrayList<>();
    for (Pending p : queue) {
      if (busyLanes.size() + start.size() >= limit) {
        break;
      }
      String lane = lane(p);
      if (!p.active && !busyLanes.contains(lane) && passed.add(lane)) {
        start.add(p);
      } else {
        passed.add(lane); // later commands of this channel wait behind this one
      }
    }
    for (Pending p : start) {
      p.active = true;
      busyLanes.add(lane(p));
      attempt(p);
    }
  }

  private static String lane(Pending p) {
    return p.command.channelId() == null ? "" : p.command.channelId();
  }

  /** The command's lane is free again (it ended, or its retry is due and it waits its turn again). */
  private void release(Pending p) {
    if (p.active) {
      p.active = false;
      busyLanes.remove(lane(p));
    }
  }

  private void attempt(Pending p) {
    p.attempts++;
    GatewayCommand c = p.command;
    TraceLog.debug(log, c.traceId(), "command {} {} sent, attempt {}", c.id(), c.name(), p.attempts);
    status(p, "sent", null);
    hub.attempt(c).onSuccess(a -> handle(p, a));
  }

  private void handle(Pending p, HubAttempts.Attempt a) {
    GatewayCommand c = p.command;
    if (stopped) {
      // The node is stopping: whatever this attempt did, the command stays in the journal and is
      // sent again (same id) by the next node; the hub de-duplicates.
      return;
    }
    switch (a.kind()) {
      case DELIVERED -> finish(p, new Outcome(Kind.DELIVERED, a.result(), null, p.attempts));
      case REJECTED -> finish(p, new Outcome(Kind.REJECTED, null, a.error(), p.attempts));
      case BREAKER_OPEN -> {
        p.attempts--; // nothing was sent; the half-open handler pumps again
        release(p);
      }
      default -> {
        if (a.kind() == HubAttempts.Kind.LINK_DOWN) {
          linkUsable = false; // wait for the holder to say the link is usable again
        }
        if (p.attempts >= settings.maxAttempts()) {
          finish(p, new Outcome(Kind.FAILED, null, a.error(), p.attempts));
          return;
        }
        long delay = schedule.delayMs(p.attempts, a.retryAfterMs());
        retries.increment();
        TraceLog.warn(log, c.traceId(), "command {} {} attempt {} failed ({}), retrying in {} ms", c.id(), c.name(),
            p.attempts, a.error().getString("code"), delay);
        status(p, "retrying", a.error());
        vertx.setTimer(Math.max(1, delay), id -> {
          release(p);
          pump();
          checkDrained();
        });
      }
    }
  }

  private void finish(Pending p, Outcome o) {
    conclude(p, o);
    pump();
    checkDrained();
  }

  /** Ends a command: out of the queue and the journal, counted, settled, its final status published. */
  private void conclude(Pending p, Outcome o) {
    release(p);
    queue.remove(p);
    journal.forget(p.command.id());
    depth = queue.size();
    GatewayCommand c = p.command;
    long ageMs = System.currentTimeMillis() - c.requestedAt();
    String status = switch (o.kind()) {
      case DELIVERED -> {
        TraceLog.info(log, c.traceId(), "command {} {} acked: delivered after {} attempt(s), {} ms (user {}, channel {})", c.id(),
            c.name(), o.attempts(), ageMs, c.actorUserId(), c.channelId());
        yield "delivered";
      }
      case REJECTED -> {
        TraceLog.warn(log, c.traceId(), "command {} {} failed: rejected by the hub ({}) after {} attempt(s)", c.id(), c.name(),
            o.error().getString("code"), o.attempts());
        yield "rejected";
      }
      case FAILED -> {
        TraceLog.error(log, c.traceId(), "command {} {} failed: gave up after {} attempt(s), last error {}", c.id(), c.name(),
            o.attempts(), o.error().getString("code"));
        yield "failed";
      }
      case EXPIRED -> {
        TraceLog.warn(log, c.traceId(), "command {} {} failed: expired, accepted {} ms ago (COMMAND_MAX_AGE_MS={}), not sent",
            c.id(), c.name(), ageMs, settings.maxAgeMs());
        yield "expired";
      }
    };
    Counter.builder("bridge_commands").tag("name", c.name()).tag("outcome", status)
        .description("Commands by final outcome").register(registry).increment();
    Future<?> settled;
    try {
      settled = p.settle == null ? Future.succeededFuture() : p.settle.apply(o);
    } catch (RuntimeException e) {
      settled = Future.failedFuture(e);
    }
    settled.onComplete(ar -> {
      if (ar.failed()) {
        TraceLog.warn(log, c.traceId(), "command {}: settling the outcome failed: {}", c.id(), ar.cause().toString());
      }
      status(p, "expired".equals(status) ? "failed" : status, o.kind() == Kind.DELIVERED ? null : o.error());
    });
    p.outcome.complete(o);
  }

  private boolean expired(Pending p) {
    return System.currentTimeMillis() - p.command.requestedAt() > settings.maxAgeMs();
  }

  /** Too old to send (the user moved on long ago): failed loudly, never sent again. */
  private void expire(Pending p) {
    conclude(p, new Outcome(Kind.EXPIRED, null, new JsonObject().put("code", "EXPIRED").put("retryable", false)
        .put("message", "queued longer than COMMAND_MAX_AGE_MS (" + settings.maxAgeMs() + " ms)"), p.attempts));
    checkDrained();
  }

  private void status(Pending p, String status, JsonObject error) {
    GatewayCommand c = p.command;
    vertx.eventBus().publish(Addresses.COMMAND_STATUS, new CommandStatus(c.id(), c.name(), c.actorUserId(), c.guildId(),
        c.channelId(), status, p.attempts, c.traceId(), Times.now(), error));
  }

  private double breakerValue() {
    return switch (breaker.state()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }
}
