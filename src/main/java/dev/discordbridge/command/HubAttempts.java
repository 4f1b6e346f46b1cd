package dev.discordbridge.command;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusFailure;
import dev.discordbridge.bus.UpstreamAck;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.ops.Metrics;
import io.micrometer.core.instrument.Timer;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt to hand a command to the hub through the link holder ({@code bridge.gateway.command}),
 * behind the circuit breaker, classified for the {@link CommandQueue}: delivered, rejected (final),
 * retryable (counts against the hub in the breaker), link down (wait for the link), or not tried
 * because the breaker is open. Never fails.
 */
final class HubAttempts {
  private static final Logger log = LoggerFactory.getLogger(HubAttempts.class);

  enum Kind { DELIVERED, REJECTED, RETRYABLE, LINK_DOWN, BREAKER_OPEN }

  /** One try's result: the hub's {@code result} when delivered, else its {@code error} (and asked wait). */
  record Attempt(Kind kind, JsonObject result, JsonObject error, long retryAfterMs) {
    static Attempt delivered(JsonObject result) { return new Attempt(Kind.DELIVERED, result, null, 0); }
    static Attempt rejected(JsonObject error) { return new Attempt(Kind.REJECTED, null, error, 0); }
    static Attempt linkDown(String code) { return new Attempt(Kind.LINK_DOWN, null, new JsonObject().put("code", code).put("retryable", true), 0); }
    static Attempt breakerOpen() { return new Attempt(Kind.BREAKER_OPEN, null, null, 0); }
    static Attempt retryable(JsonObject error) {
      JsonObject e = error == null ? new JsonObject().put("code", "INTERNAL").put("retryable", true) : error;
      return new Attempt(Kind.RETRYABLE, null, e, waitAsked(e));
    }
    /** An attempt that ended in an exception, or gave no result within its guard: a failed, retryable attempt. */
    static Attempt failed(String code, String message) {
      return new Attempt(Kind.RETRYABLE, null, new JsonObject().put("code", code).put("retryable", true).put("message", message), 0);
    }
  }

  /**
   * The wait the hub asked for: {@code retryAfterMs} is optional in the contract, and may come as
   * JSON null (present, no value) or as something that is not a number; all of those mean none.
   */
  static long waitAsked(JsonObject error) {
    return error.getValue("retryAfterMs") instanceof Number n ? Math.max(0, n.longValue()) : 0;
  }

  /** A failure that counts against the hub in the breaker. */
  private static final class HubFailure extends RuntimeException {
    final JsonObject error;

    HubFailure(JsonObject error) {
      super(error.getString("code"), null, false, false);
      this.error = error;
    }
  }

  private final Timer ackLatency = Timer.builder("bridge_command_ack_latency")
      .description("From writing a command attempt to the hub's ack").publishPercentileHistogram().register(Metrics.registry());
  private final Vertx vertx;
  private final EventBus bus;
  private final CircuitBreaker breaker;
  /** One attempt waits this long for the hub's ack ({@code COMMAND_ATTEMPT_TIMEOUT_MS}). */
  private final DeliveryOptions attemptOptions;

  /** Open after 5 failed attempts (timeouts, retryable errors), probe after 10 s. */
  static CircuitBreakerOptions defaultBreaker() {
    return new CircuitBreakerOptions().setMaxFailures(5).setResetTimeout(10_000).setTimeout(-1)
        .setNotificationAddress(null).setFallbackOnFailure(false);
  }

  /**
   * The breaker in front of the hub: it logs its changes and calls {@code wake} when sending may
   * start again (half-open: the probe; closed).
   */
  static CircuitBreaker breaker(Vertx vertx, CircuitBreakerOptions options, IntSupplier waiting, Runnable wake) {
    return CircuitBreaker.create("bridge-command-hub", vertx, options)
        .openHandler(v -> log.warn("command breaker open: the hub keeps failing; commands wait in the queue ({} waiting)",
            waiting.getAsInt()))
        .halfOpenHandler(v -> {
          log.info("command breaker half-open: probing the hub with the next command");
          wake.run();
        })
        .closeHandler(v -> {
          log.info("command breaker closed");
          wake.run();
        });
  }

  HubAttempts(Vertx vertx, CircuitBreaker breaker, long attemptTimeoutMs) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.breaker = breaker;
    this.attemptOptions = new DeliveryOptions().setSendTimeout(attemptTimeoutMs);
  }

  /**
   * {@link #attempt}, bounded: completes within {@code guardMs} whatever happens (a future that
   * never completes becomes a failed {@code TIMEOUT} attempt); {@code onError} hears of an
   * attempt that ended in an exception.
   */
  Future<Attempt> guarded(GatewayCommand c, long guardMs, Consumer<Throwable> onError) {
    return bounded(vertx, () -> attempt(c), guardMs, onError);
  }

  /** Runs {@code attempt}; completes within {@code guardMs} with its result or a failed attempt, never fails. */
  static Future<Attempt> bounded(Vertx vertx, Supplier<Future<Attempt>> attempt, long guardMs, Consumer<Throwable> onError) {
    Promise<Attempt> done = Promise.promise();
    long guard = vertx.setTimer(guardMs, id -> done.tryComplete(Attempt.failed("TIMEOUT", "no outcome within " + guardMs + " ms")));
    Future<Attempt> tried;
    try {
      tried = attempt.get();
    } catch (RuntimeException e) {
      tried = Future.failedFuture(e);
    }
    tried.onComplete(ar -> {
      vertx.cancelTimer(guard);
      if (ar.succeeded() && ar.result() != null) {
        done.tryComplete(ar.result());
      } else {
        onError.accept(ar.cause());
        done.tryComplete(Attempt.failed("INTERNAL", String.valueOf(ar.cause())));
      }
    });
    return done.future();
  }


  /** Never fails and never completes with null: whatever throws becomes a failed (retryable) attempt. */
  Future<Attempt> attempt(GatewayCommand c) {
    long started = System.nanoTime();
    Future<Attempt> tried;
    try {
      tried = breaker.<Attempt>execute(() -> send(c, started));
    } catch (RuntimeException e) {
      tried = Future.failedFuture(e);
    }
    return tried.transform(ar -> {
      try {
        return Future.succeededFuture(classify(ar.succeeded() ? ar.result() : null, ar.cause()));
      } catch (RuntimeException e) {
        return Future.succeededFuture(Attempt.failed("INTERNAL", String.valueOf(e)));
      }
    });
  }

  private static Attempt classify(Attempt result, Throwable err) {
    if (err == null) {
      return result != null ? result : Attempt.failed("INTERNAL", "the attempt gave no result");
    }
    return err instanceof HubFailure f ? Attempt.retryable(f.error)
        : err instanceof OpenCircuitException ? Attempt.breakerOpen()
        : Attempt.failed("INTERNAL", String.valueOf(err));
  }

  private Future<Attempt> send(GatewayCommand c, long started) {
    return bus.<UpstreamAck>request(Addresses.GATEWAY_COMMAND, c, attemptOptions).transform(ar -> {
      if (ar.succeeded()) {
        ackLatency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        return acked(ar.result().body());
      }
      if (ar.cause() instanceof ReplyException re) {
        switch (re.failureType()) {
          case NO_HANDLERS:
            return Future.succeededFuture(Attempt.linkDown("NO_LINK_HOLDER"));
          case TIMEOUT:
            return Future.failedFuture(new HubFailure(new JsonObject().put("code", "TIMEOUT").put("retryable", true)
                .put("message", "no ack within " + attemptOptions.getSendTimeout() + " ms")));
          default:
            if (BusFailure.of(re) == BusFailure.LINK_DOWN) {
              return Future.succeededFuture(Attempt.linkDown("LINK_DOWN"));
            }
        }
      }
      return Future.failedFuture(new HubFailure(new JsonObject().put("code", "GATEWAY_ERROR").put("retryable", true)
          .put("message", String.valueOf(ar.cause().getMessage()))));
    });
  }

  /** The hub's ack: delivered, or its error (retryable ones fail, so that the breaker counts them). */
  private static Future<Attempt> acked(UpstreamAck ack) {
    if (ack.ok()) {
      return Future.succeededFuture(Attempt.delivered(ack.result()));
    }
    JsonObject error = ack.error().toJson();
    return ack.error().retryable()
        ? Future.failedFuture(new HubFailure(error))
        : Future.succeededFuture(Attempt.rejected(error));
  }
}
