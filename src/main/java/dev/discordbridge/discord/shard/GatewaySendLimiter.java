package dev.discordbridge.discord.shard;

import java.util.ArrayDeque;

/**
 * Discord's gateway send limit: 120 payloads per 60 s per connection; going over closes the
 * socket with 4008. Heartbeats must never wait, so the other payloads (Identify, Resume,
 * presence and member requests) get only {@code limit - reservedForHeartbeats} of the window
 * and heartbeats always pass (they are still counted). A sliding window over send times; one
 * limiter per connection ({@link #reset()} on reconnect). Pure: the caller passes the time.
 */
public final class GatewaySendLimiter {
  public static final int DISCORD_LIMIT = 120;
  public static final int RESERVED_FOR_HEARTBEATS = 10;
  public static final long WINDOW_MS = 60_000;

  private final int limit;
  private final int reserved;
  private final long windowMs;
  private final ArrayDeque<Long> sent = new ArrayDeque<>();

  public GatewaySendLimiter() {
    this(DISCORD_LIMIT, RESERVED_FOR_HEARTBEATS, WINDOW_MS);
  }

  public GatewaySendLimiter(int limit, int reservedForHeartbeats, long windowMs) {
    if (limit < 1 || reservedForHeartbeats < 0 || reservedForHeartbeats >= limit || windowMs <= 0) {
      throw new IllegalArgumentException("need 0 <= reserved < limit and windowMs > 0");
    }
    this.limit = limit;
    this.reserved = reservedForHeartbeats;
    this.windowMs = windowMs;
  }

  /** A heartbeat: always allowed, counted. */
  public void heartbeat(long nowMs) {
    prune(nowMs);
    sent.addLast(nowMs);
  }

  /** Takes a slot for any other payload; false when it must wait ({@link #waitMs}). */
  public boolean tryAcquire(long nowMs) {
    prune(nowMs);
    if (sent.size() >= limit - reserved) {
      return false;
    }
    sent.addLast(nowMs);
    return true;
  }

  /** How long until {@link #tryAcquire} can succeed (0 when it can now). */
  public long waitMs(long nowMs) {
    prune(nowMs);
    int over = sent.size() - (limit - reserved - 1);
    if (over <= 0) {
      return 0;
    }
    // The over-th oldest send must leave the window.
    var it = sent.iterator();
    long t = 0;
    for (int i = 0; i < over; i++) {
      t = it.next();
    }
    return Math.max(1, t + windowMs - nowMs);
  }

  /** Sends in the current window, heartbeats included. */
  public int inWindow(long nowMs) {
    prune(nowMs);
    return sent.size();
  }

  public void reset() {
    sent.clear();
  }

  private void prune(long nowMs) {
    while (!sent.isEmpty() && sent.peekFirst() <= nowMs - windowMs) {
      sent.removeFirst();
    }
  }
}
