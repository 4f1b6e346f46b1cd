package dev.discordbridge.contract;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Identifier rules of the contract: snowflakes, event and command ids, W3C trace ids. */
public final class Ids {
  private Ids() {}

  private static final Pattern SNOWFLAKE = Pattern.compile("[0-9]{17,20}");
  private static final Pattern OPAQUE_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");
  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern TRACEPARENT =
      Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}(-.*)?");
  private static final String ZERO_TRACE = "0".repeat(32);
  private static final SecureRandom SEED = new SecureRandom();

  /** A Discord snowflake: a decimal string of 17 to 20 digits. */
  public static boolean isSnowflake(Object value) {
    return value instanceof String s && SNOWFLAKE.matcher(s).matches();
  }

  /** An event or command id: 1 to 128 characters of letters, digits and {@code . _ : -}. */
  public static boolean isOpaqueId(Object value) {
    return value instanceof String s && OPAQUE_ID.matcher(s).matches();
  }

  /** A W3C trace id: 32 lower-case hex digits, not all zero. */
  public static boolean isTraceId(Object value) {
    return value instanceof String s && TRACE_ID.matcher(s).matches() && !ZERO_TRACE.equals(s);
  }

  /** The trace id of a W3C {@code traceparent} header, or null when the header is absent or malformed. */
  public static String traceIdFromTraceparent(String header) {
    if (header == null || header.length() > 512) {
      return null;
    }
    var m = TRACEPARENT.matcher(header.trim());
    if (!m.matches() || header.startsWith("ff")) {
      return null;
    }
    String id = m.group(1);
    return ZERO_TRACE.equals(id) ? null : id;
  }

  public static String newTraceId() {
    var r = ThreadLocalRandom.current();
    String id = HexFormat.of().toHexDigits(r.nextLong()) + HexFormat.of().toHexDigits(r.nextLong());
    return ZERO_TRACE.equals(id) ? newTraceId() : id;
  }

  /** A command id: {@code cmd_} and 26 characters, time-ordered, unique enough to de-duplicate on. */
  public static String newCommandId() {
    return "cmd_" + timeOrdered();
  }

  public static String newEventId() {
    return "evt_" + timeOrdered();
  }

  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  /** ULID-shaped: 48 bits of milliseconds then 80 random bits, Crockford base32. */
  static String timeOrdered() {
    long time = System.currentTimeMillis();
    char[] out = new char[26];
    for (int i = 9; i >= 0; i--) {
      out[i] = CROCKFORD[(int) (time & 31)];
      time >>>= 5;
    }
    var r = ThreadLocalRandom.current();
    long hi = r.nextLong() ^ SEED.hashCode();
    long lo = r.nextLong();
    for (int i = 10; i < 26; i++) {
      long src = i < 18 ? hi : lo;
      out[i] = CROCKFORD[(int) ((src >>> ((i % 8) * 5)) & 31)];
    }
    return new String(out);
  }
}
