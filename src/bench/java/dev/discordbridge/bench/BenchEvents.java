package dev.discordbridge.bench;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The events the benchmark publishes: contract-shaped {@code messageCreate} events (CONTRACT
 * section 1) whose 100-character content carries a marker {@code bench#<seq>#<sentNanos>#}, so a
 * client can tell which event arrived and when it was sent without any per-event map.
 */
public final class BenchEvents {
  private BenchEvents() {}

  static final int CONTENT_LENGTH = 100;
  static final String GUILD_ID = "100000000000000001";
  static final String CHANNEL_ID = "100000000000000002";
  static final String AUTHOR_ID = "100000000000000003";
  static final long MESSAGE_ID_BASE = 200_000_000_000_000_000L;
  static final long STREAM_USER_BASE = 300_000_000_000_000_000L;
  static final long COMMAND_USER_BASE = 400_000_000_000_000_000L;
  static final long COMMAND_CHANNEL_BASE = 500_000_000_000_000_000L;

  private static final byte[] MARKER = {'b', 'e', 'n', 'c', 'h', '#'};
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final long ORIGIN = System.nanoTime();

  /** Monotonic nanoseconds since this JVM started the benchmark; never negative. */
  public static long now() {
    return System.nanoTime() - ORIGIN;
  }

  /** The event as a hub sends it (the {@code event} object of an {@code event} frame). */
  static String eventJson(long seq, long sentNanos) {
    String content = content(seq, sentNanos);
    return "{\"id\":\"evt_bench_" + seq + "\",\"name\":\"messageCreate\",\"guildId\":\"" + GUILD_ID
        + "\",\"channelId\":\"" + CHANNEL_ID + "\",\"occurredAt\":\"" + ISO_MILLIS.format(java.time.Instant.now())
        + "\",\"data\":{\"messageId\":\"" + (MESSAGE_ID_BASE + seq) + "\",\"author\":{\"id\":\"" + AUTHOR_ID
        + "\",\"username\":\"bench\"},\"content\":\"" + content + "\"},\"trace\":{\"traceId\":\""
        + String.format("%016x%016x", 0xbe0cL, seq + 1) + "\"}}";
  }

  /** The {@value #CONTENT_LENGTH}-character content with the marker {@code bench#<seq>#<sentNanos>#}. */
  public static String content(long seq, long sentNanos) {
    var content = new StringBuilder(CONTENT_LENGTH).append("bench#").append(seq).append('#').append(sentNanos).append('#');
    while (content.length() < CONTENT_LENGTH) {
      content.append('x');
    }
    return content.toString();
  }

  /**
   * Finds the marker in {@code b[off, off+len)} and returns its position after {@code bench#},
   * or -1.
   */
  static int findMarker(byte[] b, int off, int len) {
    int end = off + len - MARKER.length;
    outer:
    for (int i = off; i <= end; i++) {
      if (b[i] != 'b') {
        continue;
      }
      for (int k = 1; k < MARKER.length; k++) {
        if (b[i + k] != MARKER[k]) {
          continue outer;
        }
      }
      return i + MARKER.length;
    }
    return -1;
  }

  /**
   * Parses the decimal number starting at {@code pos} and ending at {@code '#'}. Returns the
   * value, or -1 when the bytes there are not digits followed by '#'; the position after '#' is
   * left in {@code next[0]}.
   */
  static long parseNumber(byte[] b, int pos, int limit, int[] next) {
    long v = 0;
    int i = pos;
    while (i < limit && b[i] >= '0' && b[i] <= '9') {
      v = v * 10 + (b[i] - '0');
      i++;
    }
    if (i == pos || i >= limit || b[i] != '#') {
      return -1;
    }
    next[0] = i + 1;
    return v;
  }
}
