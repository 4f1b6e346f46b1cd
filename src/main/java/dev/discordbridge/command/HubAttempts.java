package dev.discordbridge.command;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusFailure;
import dev.discordbridge.bus.UpstreamAck;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.ops.Metrics;
import io.micrometer.core.instrument.Timer;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * One attempt to hand a command to the hub through the link holder ({@code bridge.gateway.command}),
 * behind the circuit breaker, classified for the {@link CommandQueue}: delivered, rejected (final),
 * retryable (counts against the hub in the breaker), link down (wait for the link), or not tried
 * because the breaker is open. Never fails.
 */
final class HubAttempts {

  enum Kind { DELIVERED, REJECTED, RETRYABLE, LINK_DOWN, BREAKER_OPEN }

  /** One try's result: the hub's {@code result} when delivered, else its {@code error} (and asked wait). */
  record Attempt(Kind kind, JsonObject result, JsonObject error, long retryAfterMs) {
    static Attempt delivered(JsonObject result) { return new Attempt(Kind.DELIVERED, result, null, 0); }
    static Attempt rejected(JsonObject error) { return new Attempt(Kind.REJECTED, null, error, 0); }
    static Attempt linkDown(String code) { return new Attempt(Kind.LINK_DOWN, null, new JsonObject().put("code", code).put("retryable", true), 0); }
    static Attempt breakerOpen() { return new Attempt(Kind.BREAKER_OPEN, null, null, 0); }
    static Attempt retryable(JsonObject error) { return new Attempt(Kind.RETRYABLE, null, error, error.getLong("retryAfterMs", 0L)); }
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
  private final EventBus bus;
  private final CircuitBreaker breaker;
  /** One attempt waits this long for the hub's ack ({@code COMMAND_ATTEMPT_TIMEOUT_MS}). */
  private final DeliveryOptions attemptOptions;

  HubAttempts(Vertx vertx, CircuitBreaker breaker, long attemptTimeoutMs) {
    this.bus = vertx.eventBus();
    this.breaker = breaker;
    this.attemptOptions = new DeliveryOptions().setSendTimeout(attemptTimeoutMs);
  }

  Future<Attempt> attempt(GatewayCommand c) {
    long started = System.nanoTime();
    return breaker.<Attempt>execute(() -> send(c, started))
        .recover(err -> Future.succeededFuture(err instanceof HubFailure f ? Attempt.retryable(f.error)
            : err instanceof OpenCircuitException ? Attempt.breakerOpen()
            : Attempt.retryable(new JsonObject().put("code", "INTERNAL").put("message", String.valueOf(err)))));
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
