package dev.discordbridge.ops;

import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * Log lines that carry a trace id. Event-loop threads are shared by many requests, so the id is
 * put into the MDC for exactly one line and removed again.
 */
public final class TraceLog {
  private TraceLog() {}

  public static void info(Logger log, String traceId, String format, Object... args) {
    MDC.put("traceId", traceId);
    try {
      log.info(format, args);
    } finally {
      MDC.remove("traceId");
    }
  }

  public static void warn(Logger log, String traceId, String format, Object... args) {
    MDC.put("traceId", traceId);
    try {
      log.warn(format, args);
    } finally {
      MDC.remove("traceId");
    }
  }

  public static void error(Logger log, String traceId, String format, Object... args) {
    MDC.put("traceId", traceId);
    try {
      log.error(format, args);
    } finally {
      MDC.remove("traceId");
    }
  }
}
