package dev.discordbridge.discord.rest;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One Discord rate-limit bucket as this client knows it: what the last response's
 * {@code X-RateLimit-*} headers said (limit, remaining, when it resets), a pause set by a 429,
 * and the FIFO queue of requests waiting for it. One request is in flight per bucket, so the
 * headers of each response are the truth for the next request. Before a route's first response
 * its bucket is provisional (keyed by the route); once Discord names the bucket, routes that
 * share its hash and major parameter share one {@code RestBucket}. Pure state, no Vert.x types:
 * {@link RestRateLimiter} drives it from its context.
 */
final class RestBucket {
  private final String id;
  private final boolean named;
  private final Deque<RestTicket> queue = new ArrayDeque<>();
  private int limit = -1;
  private int remaining = -1;
  private long resetAt;
  private long pausedUntil;
  private boolean inFlight;
  private long timer = -1;

  /** @param named true for a bucket Discord named (hash and major parameter), false for a provisional one */
  RestBucket(String id, boolean named) {
    this.id = id;
    this.named = named;
  }

  String id() {
    return id;
  }

  boolean named() {
    return named;
  }

  /** Nothing queued, nothing in flight, no pause or exhausted window ahead: forgetting it loses nothing. */
  boolean idle(long now) {
    return queue.isEmpty() && !inFlight && timer < 0 && readyAt(now) <= now && resetAt <= now;
  }

  Deque<RestTicket> queue() {
    return queue;
  }

  /** When the next request may go: after a 429's pause, and after the reset when nothing remains. */
  long readyAt(long now) {
    long at = pausedUntil;
    if (remaining == 0 && resetAt > now) {
      at = Math.max(at, resetAt);
    }
    return at;
  }

  /** A request leaves: one fewer remains (a bucket past its reset starts full again). */
  void consume(long now) {
    if (limit > 0 && remaining >= 0 && resetAt <= now) {
      remaining = limit;
    }
    if (remaining > 0) {
      remaining--;
    }
    inFlight = true;
  }

  /** The answer came back (or failed): the bucket may send again. */
  void settle() {
    inFlight = false;
  }

  /** What Discord's headers said; {@code limit} or {@code remaining} below 0 means "not sent". */
  void learn(int limit, int remaining, long resetAfterMs, long now) {
    if (remaining < 0) {
      return;
    }
    this.limit = limit;
    this.remaining = remaining;
    this.resetAt = now + resetAfterMs;
  }

  /** A 429 for this bucket: nothing goes before {@code until}. */
  void pauseUntil(long until) {
    pausedUntil = Math.max(pausedUntil, until);
  }

  /** Takes over the state of a provisional bucket that turned out to be this one. */
  void absorb(RestBucket other) {
    queue.addAll(other.queue);
    other.queue.clear();
    pausedUntil = Math.max(pausedUntil, other.pausedUntil);
  }

  boolean inFlight() {
    return inFlight;
  }

  boolean timerSet() {
    return timer >= 0;
  }

  long timer() {
    return timer;
  }

  void timer(long id) {
    timer = id;
  }

  int limit() {
    return limit;
  }

  int remaining() {
    return remaining;
  }

  @Override
  public String toString() {
    return "RestBucket[" + id + ", remaining=" + remaining + "/" + limit + ", queued=" + queue.size()
        + (inFlight ? ", in flight" : "") + "]";
  }
}
