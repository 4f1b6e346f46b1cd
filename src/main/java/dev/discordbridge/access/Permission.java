package dev.discordbridge.access;

/**
 * The Discord permission bits the bridge checks (Discord's topics/permissions), by the names the
 * contract's refusals carry in {@code permission}. Payloads carry permission sets as decimal
 * strings of a 64-bit integer; {@link #parse} reads one.
 */
public enum Permission {
  ADMINISTRATOR(1L << 3),
  ADD_REACTIONS(1L << 6),
  VIEW_CHANNEL(1L << 10),
  SEND_MESSAGES(1L << 11),
  READ_MESSAGE_HISTORY(1L << 16),
  MANAGE_WEBHOOKS(1L << 29),
  MANAGE_THREADS(1L << 34),
  SEND_MESSAGES_IN_THREADS(1L << 38);

  /** Every bit: what the owner and an administrator hold. */
  public static final long ALL = -1L;

  public final long bit;

  Permission(long bit) {
    this.bit = bit;
  }

  public boolean in(long set) {
    return (set & bit) == bit;
  }

  /** A permission set as Discord sends it (a decimal string, or a number); 0 when absent or malformed. */
  public static long parse(Object value) {
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value instanceof String s && !s.isEmpty() && s.length() <= 20) {
      try {
        return Long.parseUnsignedLong(s);
      } catch (NumberFormatException e) {
        return 0L;
      }
    }
    return 0L;
  }
}
