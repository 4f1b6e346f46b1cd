package dev.discordbridge.edge;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed attempts per client address (wrong {@code LINK_TOKEN}s on {@code /internal/events}): the
 * first {@link #FREE_FAILURES} within {@link #WINDOW_MS} are answered as usual; then the address is
 * throttled for {@link #FIRST_BLOCK_MS}, twice as long after each failure that follows a block, up
 * to {@link #MAX_BLOCK_MS}, until a whole window passes without a failure. While throttled nothing from that address is checked (a 429 whatever
 * token it sends, so there is no oracle at full rate); a success forgets the address. Thread-safe
 * and node-wide: every router instance of the node shares one. Bounded: at most
 * {@link #MAX_ADDRESSES} addresses are remembered (expired ones are dropped first).
 */
final class FailureThrottle {
  static final int FREE_FAILURES = 5;
  static final long WINDOW_MS = 60_000;
  static final long FIRST_BLOCK_MS = 1_000;
  static final long MAX_BLOCK_MS = 60_000;
  static final int MAX_ADDRESSES = 10_000;

  /** One address: failures in the current window, and the block it is under (if any). */
  private record Entry(int failures, long windowStart, long blockedUntil, long nextBlockMs) {}

  private final Map<String, Entry> byAddress = new ConcurrentHashMap<>();

  /** How long {@code address} is still throttled, in ms; 0 when it is not. */
  long retryAfterMs(String address, long now) {
    Entry e = byAddress.get(address);
    return e == null ? 0 : Math.max(0, e.blockedUntil() - now);
  }

  /** A failed attempt; returns how long the address is throttled from now (0: not yet). */
  long failed(String address, long now) {
    if (byAddress.size() >= MAX_ADDRESSES && !byAddress.containsKey(address)) {
      prune(now);
    }
    Entry e = byAddress.compute(address, (k, old) -> {
      if (old == null || quiet(old, now)) {
        return new Entry(1, now, 0, FIRST_BLOCK_MS);
      }
      int failures = old.failures() + 1;
      if (failures < FREE_FAILURES) {
        return new Entry(failures, old.windowStart(), old.blockedUntil(), old.nextBlockMs());
      }
      long block = old.nextBlockMs();
      // The window restarts with the block, so an address that keeps failing stays remembered.
      return new Entry(failures, now, now + block, Math.min(MAX_BLOCK_MS, block * 2));
    });
    return Math.max(0, e.blockedUntil() - now);
  }

  /** A success: the address starts afresh. */
  void succeeded(String address) {
    byAddress.remove(address);
  }

  int addresses() {
    return byAddress.size();
  }

  /** No failure for a whole window after the last one (or after the end of its block). */
  private static boolean quiet(Entry e, long now) {
    return now - Math.max(e.windowStart(), e.blockedUntil()) >= WINDOW_MS;
  }

  /** Drops addresses whose window and block are over; if all are live, the ones not throttled. */
  private void prune(long now) {
    byAddress.values().removeIf(e -> quiet(e, now));
    if (byAddress.size() >= MAX_ADDRESSES) {
      for (Iterator<Entry> it = byAddress.values().iterator(); it.hasNext(); ) {
        if (now >= it.next().blockedUntil()) {
          it.remove();
        }
      }
    }
  }
}
