package dev.discordbridge.discord.rest;

import dev.discordbridge.bus.BusFailure;
import dev.discordbridge.link.UpstreamException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Discord's REST rate limits, obeyed before sending rather than discovered by 429s (see
 * Discord's "Rate Limits" topic). Requests queue per {@link RestBucket}; a bucket sends one
 * request at a time and waits for its reset when its headers said nothing remains, while other
 * buckets go on. A route's first request learns its bucket hash; routes naming the same hash
 * for the same major parameter then share one queue. Across all buckets at most
 * {@code globalPerSecond} requests leave per second. A 429 pauses its bucket (scope user or
 * shared) or everything (global) for {@code retry_after} and the same request is sent again.
 * A 401 halts the limiter for good: everything queued and later fails with
 * {@link BusFailure#LINK_DOWN}. Not thread-safe: every method runs on the owner's context.
 */
public final class RestRateLimiter {
  /** Hears what the limiter decided; called on the limiter's context. */
  public interface Events {
    /** A 429 was answered; scope is {@code user}, {@code global} or {@code shared}. */
    void onRateLimited(RestRoute route, String scope, long retryAfterMs);

    /** The first 401: the limiter is halted. */
    void onUnauthorized(String detail);
  }

  static final int MAX_429_PER_REQUEST = 5;
  private static final long SWEEP_MS = 60_000;
  /**
   * The global window, a little longer than Discord's second: requests reach Discord after
   * varying delays, so sends spaced exactly one second apart can land inside one of its seconds.
   */
  static final long GLOBAL_WINDOW_MS = 1_050;

  private final Vertx vertx;
  private final LongSupplier clock;
  private final InvalidRequestGuard guard;
  private final Events events;
  private final int globalPerSecond;
  private final long maxWaitMs;
  private final Map<String, RestBucket> byRoute = new HashMap<>();
  private final Map<String, RestBucket> byHash = new HashMap<>();
  private final ArrayDeque<Long> recentSends = new ArrayDeque<>();
  private long sweepTimer = -1;
  private long globalPausedUntil;
  private String halted;
  private long sent;
  private long rateLimited;

  public RestRateLimiter(Vertx vertx, RestOptions options, InvalidRequestGuard guard, Events events) {
    this.vertx = vertx;
    this.clock = options.clock();
    this.guard = guard;
    this.events = events;
    this.globalPerSecond = options.globalPerSecond();
    this.maxWaitMs = options.maxRateLimitWaitMs();
  }

  /**
   * Queues one request; {@code send} is called when its bucket and the global limit allow it
   * (again after a 429). The future holds Discord's answer (any status but a 429 that is being
   * waited out), or fails with {@link UpstreamException} LINK_DOWN (halted or guard open),
   * {@link RestRateLimitedException} (the wait would exceed the maximum), or the transport's error.
   */
  public Future<HttpResponse<Buffer>> submit(RestRoute route, Supplier<Future<HttpResponse<Buffer>>> send) {
    if (halted != null) {
      return Future.failedFuture(stopped());
    }
    if (sweepTimer < 0) {
      sweepTimer = vertx.setPeriodic(SWEEP_MS, id -> sweep()); // started here, so it runs on the caller's context
    }
    Promise<HttpResponse<Buffer>> promise = Promise.promise();
    RestBucket bucket = byRoute.computeIfAbsent(route.key(), k -> new RestBucket("route " + route, false));
    bucket.queue().addLast(new RestTicket(route, send, promise));
    drain(bucket);
    return promise.future();
  }

  /** Stops for good: queued requests fail LINK_DOWN now, later ones at once. */
  public void halt(String reason) {
    if (halted != null) {
      return;
    }
    halted = reason;
    failEverythingQueued();
  }

  private void failEverythingQueued() {
    for (RestBucket b : allBuckets()) {
      cancelTimer(b);
      failQueued(b);
    }
  }

  public boolean halted() {
    return halted != null;
  }

  /** Stops timers and fails what is queued; for shutdown. */
  public void close() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    halt("closed");
  }

  private void drain(RestBucket b) {
    while (!b.inFlight() && !b.timerSet() && !b.queue().isEmpty()) {
      if (halted != null) {
        failQueued(b);
        return;
      }
      if (guard.blocks()) {
        b.queue().pollFirst().promise.fail(new UpstreamException(BusFailure.LINK_DOWN,
            "Discord REST paused: too many invalid requests"));
        continue;
      }
      long now = clock.getAsLong();
      long at = Math.max(b.readyAt(now), globalReadyAt(now));
      if (at > now) {
        if (at - now > maxWaitMs) {
          b.queue().pollFirst().promise.fail(new RestRateLimitedException(at - now, "bucket"));
          continue;
        }
        b.timer(vertx.setTimer(at - now, id -> {
          b.timer(-1);
          drain(b);
        }));
        return;
      }
      send(b, b.queue().pollFirst(), now);
    }
  }

  private void send(RestBucket b, RestTicket t, long now) {
    b.consume(now);
    recentSends.addLast(now);
    sent++;
    Future<HttpResponse<Buffer>> answer;
    try {
      answer = t.send.get();
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(ar -> {
      b.settle();
      if (ar.failed()) {
        t.promise.fail(ar.cause());
        drain(b);
      } else {
        onAnswer(b, t, ar.result());
      }
    });
  }

  private void onAnswer(RestBucket b, RestTicket t, HttpResponse<Buffer> r) {
    long now = clock.getAsLong();
    String scope = r.getHeader("X-RateLimit-Scope");
    guard.record(r.statusCode(), scope);
    if (r.statusCode() == 401) {
      if (halted == null) { // the owner hears it before any caller sees a failure
        halted = "401 Unauthorized on " + t.route;
        events.onUnauthorized("Discord answered 401 Unauthorized on " + t.route + ": the bot token was refused");
        failEverythingQueued();
      }
      t.promise.complete(r);
      return;
    }
    RestBucket target = learn(b, t.route, r, now);
    if (r.statusCode() == 429) {
      onRateLimited(target, t, r, scope, now);
    } else {
      t.promise.complete(r);
    }
    drain(target);
    if (target != b) {
      drain(b);
    }
  }

  /** Moves the route to the bucket Discord named and takes in its headers; returns that bucket. */
  private RestBucket learn(RestBucket b, RestRoute route, HttpResponse<Buffer> r, long now) {
    RestBucket target = b;
    String hash = r.getHeader("X-RateLimit-Bucket");
    if (hash != null && !hash.isBlank()) {
      String id = hash + " " + route.major();
      RestBucket known = byHash.get(id);
      if (known == null) {
        known = new RestBucket(id, true);
        byHash.put(id, known);
      }
      if (known != b) {
        if (!b.named()) {
          cancelTimer(b);
          known.absorb(b);
        }
        byRoute.put(route.key(), known);
      }
      target = known;
    }
    target.learn(intHeader(r, "X-RateLimit-Limit"), intHeader(r, "X-RateLimit-Remaining"),
        secondsHeaderMs(r, "X-RateLimit-Reset-After"), now);
    return target;
  }

  private void onRateLimited(RestBucket b, RestTicket t, HttpResponse<Buffer> r, String scope, long now) {
    JsonObject body = json(r);
    long retryMs = retryAfterMs(r, body);
    boolean global = body.getBoolean("global", false) || "true".equalsIgnoreCase(r.getHeader("X-RateLimit-Global"))
        || "global".equalsIgnoreCase(scope);
    String effective = global ? "global" : scope == null ? "user" : scope.toLowerCase();
    rateLimited++;
    if (global) {
      globalPausedUntil = Math.max(globalPausedUntil, now + retryMs);
    } else {
      b.pauseUntil(now + retryMs);
    }
    t.rateLimited++;
    if (retryMs > maxWaitMs || t.rateLimited >= MAX_429_PER_REQUEST) {
      t.promise.fail(new RestRateLimitedException(retryMs, effective));
    } else {
      b.queue().addFirst(t);
    }
    events.onRateLimited(t.route, effective, retryMs);
  }

  private long globalReadyAt(long now) {
    while (!recentSends.isEmpty() && recentSends.peekFirst() <= now - GLOBAL_WINDOW_MS) {
      recentSends.pollFirst();
    }
    long at = globalPausedUntil;
    if (recentSends.size() >= globalPerSecond) {
      at = Math.max(at, recentSends.peekFirst() + GLOBAL_WINDOW_MS);
    }
    return at;
  }

  private void sweep() {
    long now = clock.getAsLong();
    byRoute.values().removeIf(b -> b.idle(now));
    byHash.values().removeIf(b -> b.idle(now));
  }

  private void failQueued(RestBucket b) {
    while (!b.queue().isEmpty()) {
      b.queue().pollFirst().promise.fail(stopped());
    }
  }

  private UpstreamException stopped() {
    return new UpstreamException(BusFailure.LINK_DOWN, "Discord REST stopped: " + halted);
  }

  private void cancelTimer(RestBucket b) {
    if (b.timerSet()) {
      vertx.cancelTimer(b.timer());
      b.timer(-1);
    }
  }

  private ArrayList<RestBucket> allBuckets() {
    var all = new ArrayList<RestBucket>(byRoute.values());
    byHash.values().stream().filter(b -> !all.contains(b)).forEach(all::add);
    return all;
  }

 public static long retryAfterMs(HttpResponse<Buffer> r, JsonObject body) {
    Object ra = body.getValue("retry_after");
    if (ra instanceof Number n) {
      return Math.max(1, (long) Math.ceil(n.doubleValue() * 1000));
    }
    long header = secondsHeaderMs(r, "Retry-After");
    return header > 0 ? header : 1000;
  }

public static JsonObject json(HttpResponse<Buffer> r) {
    try {
      Buffer body = r.body();
      return body == null || body.length() == 0 ? new JsonObject() : new JsonObject(body);
    } catch (RuntimeException notJson) {
      return new JsonObject();
    }
  }

  private static int intHeader(HttpResponse<Buffer> r, String name) {
    String v = r.getHeader(name);
    try {
      return v == null ? -1 : Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static long secondsHeaderMs(HttpResponse<Buffer> r, String name) {
    String v = r.getHeader(name);
    try {
      return v == null ? 0 : (long) Math.ceil(Double.parseDouble(v.trim()) * 1000);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Requests sent (each try counts). */
  public long sent() {
    return sent;
  }

  /** 429 answers received. */
  public long rateLimited() {
    return rateLimited;
  }

  /** Requests waiting in any bucket. */
  public int queued() {
    return allBuckets().stream().mapToInt(b -> b.queue().size()).sum();
  }

  /** The id of the bucket {@code route} is queued in now ({@code hash major} once learned). */
  public String bucketOf(RestRoute route) {
    RestBucket b = byRoute.get(route.key());
    return b == null ? null : b.id();
  }
}
