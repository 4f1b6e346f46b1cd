package dev.discordbridge.command;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.config.Role;
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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.util.List;
import java.util.Map;
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
          config.command().queueCapacity(), config.instances(Role.COMMAND_DISPATCHER));
    }
    var submit = vertx.eventBus().<JsonObject>consumer(Addresses.COMMAND_SUBMIT, this::submit);
    if (!owner) {
      return Future.all(queue.ready(), submit.completion());
    }
    var drain = vertx.eventBus().<JsonObject>localConsumer(Addresses.COMMAND_DRAIN, m -> queue
        .drain(m.body().getLong("graceMs", config.command().shutdownGraceMs()))
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

  private void submit(Message<JsonObject> m) {
    long receivedAt = System.currentTimeMillis();
    JsonObject envelope = m.body() == null ? new JsonObject() : m.body();
    String traceId = Ids.isTraceId(envelope.getString("traceId")) ? envelope.getString("traceId") : Ids.newTraceId();
    Future<Reply> reply;
    try {
      reply = handle(envelope, traceId, receivedAt);
    } catch (RuntimeException e) {
      reply = Future.failedFuture(e);
    }
    reply.recover(err -> {
      TraceLog.error(log, traceId, "command request failed internally: {}", err.toString());
      return Future.succeededFuture(Reply.error(500, "INTERNAL", "The command could not be handled."));
    }).onSuccess(r -> m.reply(r.toJson()));
  }

  private Future<Reply> handle(JsonObject envelope, String traceId, long receivedAt) {
    String name = envelope.getString("name");
    if (name == null || !schemas.knows(name)) {
      count("unknown", "unknown_command");
      return Future.succeededFuture(Reply.unknownCommand(name));
    }
    JsonObject caller = envelope.getJsonObject("caller");
    String userId = caller == null ? null : caller.getString("userId");
    if (userId == null) {
      count(name, "unauthenticated");
      return Future.succeededFuture(Reply.unauthenticated());
    }
    var validation = schemas.validate(name, envelope.getValue("body"));
    String key = header(envelope, "idempotency-key");
    if (!validation.valid() || (key != null && !IDEMPOTENCY_KEY.matcher(key).matches())) {
      List<FieldError> errors = new java.util.ArrayList<>(validation.valid() ? List.of() : validation.errors());
      if (key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
        errors.add(new FieldError("Idempotency-Key", "must be 1 to 200 printable ASCII characters"));
      }
      count(name, "invalid");
      TraceLog.info(log, traceId, "command {} refused: invalid ({} field error(s))", name, errors.size());
      return Future.succeededFuture(Reply.invalid(errors));
    }
    JsonObject body = envelope.getJsonObject("body");
    String guildId = body.getString("guildId");
    if (!caller.getJsonArray("guilds", new JsonArray()).contains(guildId)) {
      count(name, "forbidden");
      TraceLog.info(log, traceId, "command {} refused: user {} may not act in guild {}", name, userId, guildId);
      return Future.succeededFuture(Reply.forbidden(guildId));
    }
    var command = new GatewayCommand(Ids.newCommandId(), name, guildId, body.getString("channelId"), userId,
        validation.data(), traceId, receivedAt);
    if (key == null) {
      return admit(command, null, receivedAt);
    }
    return idempotency.claim(userId, key, command.id(), config.command().idempotencyTtlMs()).compose(existing -> {
      if (existing == null) {
        return admit(command, key, receivedAt);
      }
      count(name, "replayed");
      TraceLog.info(log, traceId, "command {} replayed from Idempotency-Key: command {}", name, existing.commandId());
      return Future.succeededFuture(existing.reply() == null ? Reply.inProgress(existing.commandId())
          : Reply.fromJson(existing.reply()).withHeader("Idempotent-Replayed", "true"));
    });
  }

  /** Rate limit, then the queue; a refusal frees the idempotency key so the client can retry with it. */
  private Future<Reply> admit(GatewayCommand c, String key, long receivedAt) {
    if (queue.draining()) {
      return refuse(c, key, "shutting_down", Reply.shuttingDown(CommandQueue.SHUTDOWN_RETRY_AFTER_MS));
    }
    if (queue.looksFull()) {
      return refuse(c, key, "saturated", Reply.saturated(queue.retryAfterMs()));
    }
    var check = new JsonObject().put("userId", c.actorUserId()).put("channelId", c.channelId()).put("traceId", c.traceId());
    var options = new DeliveryOptions().setSendTimeout(RATE_LIMIT_TIMEOUT_MS);
    return vertx.eventBus().<JsonObject>request(Addresses.RATE_LIMIT_CHECK, check, options).compose(limit -> {
      JsonObject d = limit.body();
      if (!Boolean.TRUE.equals(d.getBoolean("allowed"))) {
        String scope = d.getString("scope", "user");
        long retryAfterMs = d.getLong("retryAfterMs", 1000L);
        TraceLog.info(log, c.traceId(), "command {} rate limited: scope={} retryAfterMs={}", c.name(), scope, retryAfterMs);
        return refuse(c, key, "rate_limited", Reply.rateLimited(scope, retryAfterMs));
      }
      return queue.offer(c, settle(c, key)).compose(admission -> {
        if (!admission.accepted()) {
          return admission.shuttingDown()
              ? refuse(c, key, "shutting_down", Reply.shuttingDown(admission.retryAfterMs()))
              : refuse(c, key, "saturated", Reply.saturated(admission.retryAfterMs()));
        }
        if (key != null) {
          idempotency.record(c.actorUserId(), key, c.id(), Reply.queued(c.id()).toJson())
              .onFailure(err -> TraceLog.warn(log, c.traceId(), "command {}: idempotency record not stored: {}", c.id(), err.toString()));
        }
        // A 202 promises the command survives this node: answer only once it is journaled.
        return admission.recorded()
            .recover(err -> {
              TraceLog.warn(log, c.traceId(), "command {}: not journaled ({}); it lives on this node only", c.id(), err.toString());
              return Future.succeededFuture();
            })
            .compose(v -> answer(c, admission, receivedAt));
      });
    }, err -> {
      // Fail closed: without the limiter we cannot protect the hub (and the bot behind it).
      TraceLog.error(log, c.traceId(), "command {} refused: rate limiter unreachable ({})", c.name(), err.toString());
      return refuse(c, key, "unavailable", Reply.unavailable("The rate limiter is unavailable; retry shortly."));
    });
  }

  private Future<Reply> refuse(GatewayCommand c, String key, String outcome, Reply reply) {
    count(c.name(), outcome);
    if ("saturated".equals(outcome)) {
      TraceLog.warn(log, c.traceId(), "command {} refused: queue saturated", c.name());
    } else if ("shutting_down".equals(outcome)) {
      TraceLog.info(log, c.traceId(), "command {} refused: the node is shutting down", c.name());
    }
    Future<Void> released = key == null ? Future.succeededFuture() : idempotency.release(c.actorUserId(), key, c.id());
    return released.map(reply);
  }

  /** Stores the final answer under the key (before the final status is published). */
  private java.util.function.Function<CommandQueue.Outcome, Future<?>> settle(GatewayCommand c, String key) {
    return key == null ? null : o -> idempotency.record(c.actorUserId(), key, c.id(), replyFor(c, o).toJson());
  }

  /** 200/502 when the outcome comes within the ack wait (measured from the POST), else 202. */
  private Future<Reply> answer(GatewayCommand c, CommandQueue.Admission admission, long receivedAt) {
    long remaining = config.command().ackWaitMs() - (System.currentTimeMillis() - receivedAt);
    if (admission.paused() || remaining <= 0) {
      return Future.succeededFuture(Reply.queued(c.id()));
    }
    Promise<Reply> reply = Promise.promise();
    long timer = vertx.setTimer(remaining, id -> reply.tryComplete(Reply.queued(c.id())));
    admission.outcome().onSuccess(o -> {
      vertx.cancelTimer(timer);
      reply.tryComplete(replyFor(c, o));
    });
    return reply.future();
  }

  private static Reply replyFor(GatewayCommand c, CommandQueue.Outcome o) {
    return switch (o.kind()) {
      case DELIVERED -> Reply.delivered(c.id(), o.result());
      case REJECTED -> Reply.upstreamRejected(c.id(), o.error(), false);
      case FAILED, EXPIRED -> Reply.upstreamRejected(c.id(), o.error(), true);
    };
  }

  private static String header(JsonObject envelope, String name) {
    JsonObject headers = envelope.getJsonObject("headers");
    if (headers == null) {
      return null;
    }
    for (Map.Entry<String, Object> e : headers) {
      if (e.getKey().equalsIgnoreCase(name) && e.getValue() != null) {
        return e.getValue().toString();
      }
    }
    return null;
  }

  private static void count(String name, String outcome) {
    Counter.builder("bridge_commands").tag("name", name).tag("outcome", outcome)
        .description("Commands by final outcome").register(Metrics.registry()).increment();
  }
}
