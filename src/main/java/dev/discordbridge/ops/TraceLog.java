package dev.discordbridge.ops;

import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * Log lines that carry a trace id. Event-loop threads are shared by many requests, so the id is
 * put into the MDC for exactly one line and removed again.
 */
public final class TraceLog {
  private TraceLog() {}

  public static void debug(Logger log, String traceId, String format, Object... args) {
    at(Level.DEBUG, log, traceId, format, args);
  }

  public static void info(Logger log, String traceId, String format, Object... args) {
    at(Level.INFO, log, traceId, format, args);
  }

  public static void warn(Logger log, String traceId, String format, Object... args) {
    at(Level.WARN, log, traceId, format, args);
  }

  public static void error(Logger log, String traceId, String format, Object... args) {
    at(Level.ERROR, log, traceId, format, args);
  }

  private static void at(Level level, Logger log, String traceId, String format, Object... args) {
    if (!log.isEnabledForLevel(level)) {
      return;
    }
    MDC.put("traceId", traceId);
    try {
      log.atLevel(level).log(format, args);
    } finally {
      MDC.remove("traceId");
    }
  }
}
