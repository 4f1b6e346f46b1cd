package dev.discordbridge.contract;

/**
 * Stream ids: one number, {@code epoch << 32 | counter}, written as 19 zero-padded decimal
 * digits so that both numeric and string comparison order them.
 *
 * <p>The epoch is taken each time a node becomes the link holder (start-up, failover):
 * {@link #nextEpoch} = seconds since 2026-01-01T00:00Z, but at least one more than any epoch
 * already seen. The counter grows with each event of the epoch, across reconnects of the link;
 * when it would overflow the holder takes a new epoch. So ids only grow: across link
 * reconnects, process restarts and cluster failovers alike.
 */
public final class StreamIds {
  private StreamIds() {}

  public static final int COUNTER_BITS = 32;
  public static final long MAX_COUNTER = (1L << COUNTER_BITS) - 1;
  public static final long MAX_EPOCH = (1L << (63 - COUNTER_BITS)) - 1;
  /** 2026-01-01T00:00:00Z. */
  public static final long EPOCH_ORIGIN_SECONDS = 1_767_225_600L;

  public static long of(long epoch, long counter) {
    if (epoch < 0 || epoch > MAX_EPOCH || counter < 0 || counter > MAX_COUNTER) {
      throw new IllegalArgumentException("stream id out of range: epoch " + epoch + ", counter " + counter);
    }
    return (epoch << COUNTER_BITS) | counter;
  }

  public static long epoch(long id) { return id >>> COUNTER_BITS; }

  public static long counter(long id) { return id & MAX_COUNTER; }

  /** The epoch a new holder takes: the clock in seconds, but above every epoch it has seen. */
  public static long nextEpoch(long nowMillis, long highestSeenId) {
    long clock = Math.max(1, nowMillis / 1000 - EPOCH_ORIGIN_SECONDS);
    long floor = highestSeenId < 0 ? 0 : epoch(highestSeenId) + 1;
    return Math.min(MAX_EPOCH, Math.max(clock, floor));
  }

  public static String format(long id) {
    String digits = Long.toString(id);
    return "0".repeat(Math.max(0, 19 - digits.length())) + digits;
  }

  /** The id a client sent back (e.g. in {@code Last-Event-ID}), or -1 when it is not one of ours. */
  public static long parse(String s) {
    if (s == null || s.isEmpty() || s.length() > 19) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
