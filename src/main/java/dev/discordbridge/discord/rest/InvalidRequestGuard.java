package dev.discordbridge.discord.rest;

import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Keeps this bot far from Discord's IP ban: Discord blocks an address for a while after
 * 10,000 invalid requests (401, 403, 429 except scope {@code shared}) in 10 minutes. Invalid
 * answers are counted in a rolling window (one-second slots); at the threshold a
 * {@link CircuitBreaker} is opened, and while it is open nothing is sent ({@link #blocks()}).
 * After {@code openMs} the breaker half-opens: the next valid answer closes it, an invalid one
 * opens it again. The count is kept here rather than by the breaker's own failure counter,
 * because that one is updated a tick after each answer and is cleared by every success, while
 * Discord's count is not.
 */
public final class InvalidRequestGuard {
  private final CircuitBreaker breaker;
  private final LongSupplier clock;
  private final int threshold;
  private final long windowMs;
  private final ArrayDeque<long[]> slots = new ArrayDeque<>(); // {second, count}
  private long inWindow;
  private long invalid;
  private long trips;
  private final Consumer<String> onTripped;
  private final String detail;

  /**
   * @param clock     milliseconds
   * @param onTripped called each time the guard opens from closed, with a line safe to log
   */
  public InvalidRequestGuard(Vertx vertx, int threshold, long windowMs, long openMs, LongSupplier clock,
                             Consumer<String> onTripped) {
    this.clock = clock;
    this.threshold = threshold;
    this.windowMs = windowMs;
    CircuitBreakerOptions options = new CircuitBreakerOptions()
        .setMaxFailures(Integer.MAX_VALUE) // opened by this class, never by the breaker's own count
        .setResetTimeout(openMs)
        .setTimeout(-1)
        .setMaxRetries(0)
        .setNotificationAddress(null);
    this.breaker = CircuitBreaker.create("discord-invalid-requests", vertx, options);
    breaker.openHandler(v -> trips++);
    this.onTripped = onTripped;
    this.detail = threshold + " invalid requests (401/403/429) within " + windowMs
        + " ms; nothing is sent to Discord for " + openMs + " ms";
  }

  /** True while the guard is open: send nothing. Half-open lets requests through to probe. */
  public boolean blocks() {
    return breaker.state() == CircuitBreakerState.OPEN;
  }

  /** Reports one answer: {@code status} and, for a 429, its {@code X-RateLimit-Scope}. */
  public void record(int status, String scope) {
    CircuitBreakerState state = breaker.state();
    if (!isInvalid(status, scope)) {
      if (state == CircuitBreakerState.HALF_OPEN) {
        clear();
        breaker.reset();
      }
      return;
    }
    invalid++;
    if (count(clock.getAsLong()) >= threshold && state == CircuitBreakerState.CLOSED) {
      breaker.open();
      onTripped.accept(detail);
    } else if (state == CircuitBreakerState.HALF_OPEN) {
      breaker.open();
    }
  }

  /** Adds one invalid answer at {@code now} and returns the count in the window. */
  private long count(long now) {
    long second = now / 1000;
    long oldest = (now - windowMs) / 1000;
    while (!slots.isEmpty() && slots.peekFirst()[0] <= oldest) {
      inWindow -= slots.pollFirst()[1];
    }
    if (slots.isEmpty() || slots.peekLast()[0] != second) {
      slots.addLast(new long[] {second, 0});
    }
    slots.peekLast()[1]++;
    return ++inWindow;
  }

  private void clear() {
    slots.clear();
    inWindow = 0;
  }

  /** What Discord counts against the IP: 401, 403, and 429 unless its scope is {@code shared}. */
  public static boolean isInvalid(int status, String scope) {
    return status == 401 || status == 403 || status == 429 && !"shared".equalsIgnoreCase(scope);
  }

  /** Invalid requests reported since start (not only in the window). */
  public long invalidCount() {
    return invalid;
  }

  /** Invalid requests in the current window. */
  public long windowCount() {
    return inWindow;
  }

  /** How often the guard opened (a failed half-open probe counts again). */
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
