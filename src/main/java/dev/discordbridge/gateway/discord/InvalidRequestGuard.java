package dev.discordbridge.gateway.discord;

import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * Keeps this bot far from Discord's IP ban: Discord blocks an address for a while after
 * 10,000 invalid requests (401, 403, 429 except scope {@code shared}) in 10 minutes. Each
 * invalid request is reported to a {@link CircuitBreaker} as a failure inside a rolling window;
 * at the threshold it opens, and while open nothing is sent ({@link #blocks()}). After
 * {@code openMs} it lets requests through half-open: the first valid answer closes it, an
 * invalid one opens it again. Valid answers are not reported while closed, because a success
 * would clear the breaker's rolling count.
 */
public final class InvalidRequestGuard {
  private final CircuitBreaker breaker;
  private long invalid;
  private long trips;

  /** @param onTripped called once each time the guard opens, with a line safe to log */
  public InvalidRequestGuard(Vertx vertx, int threshold, long windowMs, long openMs, Consumer<String> onTripped) {
    CircuitBreakerOptions options = new CircuitBreakerOptions()
        .setMaxFailures(threshold)
        .setFailuresRollingWindow(windowMs)
        .setResetTimeout(openMs)
        .setTimeout(-1)
        .setMaxRetries(0)
        .setNotificationAddress(null);
    this.breaker = CircuitBreaker.create("discord-invalid-requests", vertx, options);
    breaker.openHandler(v -> {
      trips++;
      onTripped.accept(threshold + " invalid requests (401/403/429) within " + windowMs
          + " ms; nothing is sent to Discord for " + openMs + " ms");
    });
  }

  /** True while the guard is open: send nothing. Half-open lets requests through to probe. */
  public boolean blocks() {
    return breaker.state() == CircuitBreakerState.OPEN;
  }

  /** Reports one answer: {@code status} and, for a 429, its {@code X-RateLimit-Scope}. */
  public void record(int status, String scope) {
    if (isInvalid(status, scope)) {
      invalid++;
      breaker.execute(() -> Future.failedFuture("invalid request " + status));
    } else if (breaker.state() == CircuitBreakerState.HALF_OPEN) {
      breaker.execute(() -> Future.succeededFuture());
    }
  }

  /** What Discord counts against the IP: 401, 403, and 429 unless its scope is {@code shared}. */
  public static boolean isInvalid(int status, String scope) {
    return status == 401 || status == 403 || status == 429 && !"shared".equalsIgnoreCase(scope);
  }

  /** Invalid requests reported since start (not only in the window). */
  public long invalidCount() {
    return invalid;
  }

  /** Invalid requests in the current rolling window, as the breaker counts them. */
  public long windowCount() {
    return breaker.failureCount();
  }

  /** How often the guard opened. */
  public long trips() {
    return trips;
  }

  public String state() {
    return breaker.state().name();
  }

  public void close() {
    breaker.close();
  }
}
