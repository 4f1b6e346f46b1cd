package dev.discordbridge.contract;

/**
 * Stream ids: one number, {@code epoch << 40 | counter}, written as 19 zero-padded decimal
 * digits so that both numeric and string comparison order them. The epoch grows each time a
 * node takes the upstream link (a fencing token), the counter with each event of that epoch,
 * across reconnects of the link: so ids only grow, across reconnects and failovers alike.
 */
public final class StreamIds {
  private StreamIds() {}

  public static final int COUNTER_BITS = 40;
  public static final long MAX_COUNTER = (1L << COUNTER_BITS) - 1;

  public static long of(long epoch, long counter) {
    if (epoch < 0 || epoch >= (1L << (63 - COUNTER_BITS)) || counter < 0 || counter > MAX_COUNTER) {
      throw new IllegalArgumentException("stream id out of range: epoch " + epoch + ", counter " + counter);
    }
    return (epoch << COUNTER_BITS) | counter;
  }

  public static long epoch(long id) { return id >>> COUNTER_BITS; }

  public static long counter(long id) { return id & MAX_COUNTER; }

  public static String format(long id) {
    String digits = Long.toString(id);
    return "0".repeat(19 - digits.length()) + digits;
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
