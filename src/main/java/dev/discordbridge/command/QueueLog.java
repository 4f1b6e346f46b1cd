package dev.discordbridge.command;

import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.ops.LogThrottle;
import dev.discordbridge.ops.TraceLog;
import org.slf4j.Logger;

/**
 * The queue's log lines that a hub (or a client's burst) can trigger again and again: retries,
 * give-ups and lanes freed by the watchdog, at most {@link #PER_SECOND} a second together; the
 * lines left out are counted and reported with the next line that passes.
 */
final class QueueLog {
  static final int PER_SECOND = 10;

  private final Logger log;
  private final LogThrottle throttle = new LogThrottle(PER_SECOND);

  QueueLog(Logger log) {
    this.log = log;
  }

  /** The one line of a command's end (delivered at INFO, every line; refusals throttled); returns its status name. */
  String concluded(GatewayCommand c, Outcome o, long maxAgeMs) {
    long ageMs = System.currentTimeMillis() - c.requestedAt();
    return switch (o.kind()) {
      case DELIVERED -> {
        TraceLog.info(log, c.traceId(), "command {} {} acked: delivered after {} attempt(s), {} ms (user {}, channel {})", c.id(),
            c.name(), o.attempts(), ageMs, c.actorUserId(), c.channelId());
        yield "delivered";
      }
      case REJECTED -> {
        rejected(c, o.attempts(), o.error().getString("code"));
        yield "rejected";
      }
      case FAILED -> {
        gaveUp(c, o.attempts(), o.error().getString("code"));
        yield "failed";
      }
      case EXPIRED -> {
        TraceLog.warn(log, c.traceId(), "command {} {} failed: expired, accepted {} ms ago (COMMAND_MAX_AGE_MS={}), not sent",
            c.id(), c.name(), ageMs, maxAgeMs);
        yield "expired";
      }
    };
  }

  void retrying(GatewayCommand c, int attempt, String code, long delayMs) {
    long s = acquire();
    if (s >= 0) {
      TraceLog.warn(log, c.traceId(), "command {} {} attempt {} failed ({}), retrying in {} ms{}", c.id(), c.name(), attempt,
          code, delayMs, suffix(s));
    }
  }

  void gaveUp(GatewayCommand c, int attempts, String code) {
    long s = acquire();
    if (s >= 0) {
      TraceLog.error(log, c.traceId(), "command {} {} failed: gave up after {} attempt(s), last error {}{}", c.id(), c.name(),
          attempts, code, suffix(s));
    }
  }

  void rejected(GatewayCommand c, int attempts, String code) {
    long s = acquire();
    if (s >= 0) {
      TraceLog.warn(log, c.traceId(), "command {} {} failed: rejected by the hub ({}) after {} attempt(s){}", c.id(), c.name(),
          code, attempts, suffix(s));
    }
  }

  void unstuck(GatewayCommand c, int attempts, long overdueMs) {
    long s = acquire();
    if (s >= 0) {
      TraceLog.error(log, c.traceId(), "command {} {}: its channel's lane was held {} ms past its deadline (attempt {}); "
          + "freed by the watchdog, the command is tried again{}", c.id(), c.name(), overdueMs, attempts, suffix(s));
    }
  }

  void attemptFailed(GatewayCommand c, int attempt, Throwable err) {
    long s = acquire();
    if (s >= 0) {
      TraceLog.error(log, c.traceId(), "command {} {} attempt {} ended in an error ({}); counted as a failed attempt{}", c.id(),
          c.name(), attempt, String.valueOf(err), suffix(s));
    }
  }

  /** -1: leave the line out; else how many lines were left out before it. */
  private long acquire() {
    return throttle.acquire(System.currentTimeMillis());
  }

  private static String suffix(long suppressed) {
    return suppressed == 0 ? "" : " (" + suppressed + " similar line(s) left out)";
  }
}
