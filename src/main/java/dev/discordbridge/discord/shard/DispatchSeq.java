package dev.discordbridge.discord.shard;

/**
 * What a dispatch's {@code s} does to the session's position (the heartbeat's {@code d} and the
 * Resume's {@code seq}). Discord's {@code s} grows within a session; a value that is not a safe
 * integer (above 2^53 - 1, fractional, negative, not a number) can only be a broken payload and
 * must never become the position, or every later dispatch would look like a repeat and the next
 * Resume would be refused (4007). A value below the previous dispatch of the same connection is
 * the gateway going back after a bad jump: delivered, and the position follows it back (the hub
 * link's rule, docs/protocol.md). A value at or below the position otherwise is a repeat of a
 * replay (skipped; event ids are derived from it, so the link holder drops it anyway).
 */
final class DispatchSeq {
  /** The largest integer a JSON number holds exactly everywhere (JavaScript's Number.MAX_SAFE_INTEGER). */
  static final long MAX_SAFE = (1L << 53) - 1;

  enum Verdict {
    /** No {@code s} (allowed for READY-less test payloads): delivered, the position stays. */
    NONE,
    /** The next one (or the first of a session): delivered, the position moves to it. */
    NEXT,
    /** Below the previous dispatch of this connection: delivered, the position follows it back. */
    BACK,
    /** At or below the position, above the previous dispatch of this connection: a repeat, skipped. */
    REPEAT,
    /** Not a safe non-negative integer: dropped, the position stays, streams are reset. */
    UNSAFE
  }

  private DispatchSeq() {}

  /** {@code s} as a safe non-negative integer, or null when it is anything else (or absent). */
  static Long safe(Object s) {
    if (s instanceof Integer i) {
      return i >= 0 ? i.longValue() : null;
    }
    if (s instanceof Long l) {
      return l >= 0 && l <= MAX_SAFE ? l : null;
    }
    return null;
  }

  /**
   * @param s the dispatch's raw {@code s}
   * @param position the session's position, null before the first dispatch of a session
   * @param previous the {@code s} of the previous accepted dispatch on this connection, or null
   */
  static Verdict judge(Object s, Long position, Long previous) {
    if (s == null) {
      return Verdict.NONE;
    }
    Long seq = safe(s);
    if (seq == null) {
      return Verdict.UNSAFE;
    }
    if (previous != null && seq < previous) {
      return Verdict.BACK;
    }
    if (position != null && seq <= position) {
      return Verdict.REPEAT;
    }
    return Verdict.NEXT;
  }
}
