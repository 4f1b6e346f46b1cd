package dev.discordbridge.contract;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Times on the wire: ISO-8601 UTC with milliseconds, e.g. {@code 2026-11-25T19:00:00.000Z}. */
public final class Times {
  private Times() {}

  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  public static String format(long epochMillis) {
    return ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis));
  }

  public static String now() {
    return format(System.currentTimeMillis());
  }

  /** Parses an ISO-8601 instant (any precision, any offset) into epoch millis, or throws. */
  public static long parse(String field, Object value) {
    if (!(value instanceof String s) || s.length() > 40) {
      throw ContractViolation.field(field, "must be an ISO-8601 UTC time");
    }
    try {
      return Instant.parse(s).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(s).toInstant().toEpochMilli();
      } catch (DateTimeParseException e2) {
        throw ContractViolation.field(field, "must be an ISO-8601 UTC time");
      }
    }
  }
}
