package dev.discordbridge.ops;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * A log of refusals a client can trigger at will (bad requests, 429s, wrong tokens, sockets
 * opened): each refusal is counted by kind, and at most one line per interval says how many of
 * each kind there were since the last line, with the trace id of the latest. The first refusal
 * after a quiet interval is written at once; later ones wait for the interval to end (a timer
 * writes the line even if nothing else happens). Thread-safe: every router instance may share one.
 */
public final class SummaryLog {
  /** One daemon thread for every summary's deferred line: a line a few seconds late costs nothing. */
  private static final ScheduledExecutorService FLUSHER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "summary-log");
    t.setDaemon(true);
    return t;
  });

  private final Logger log;
  private final Level level;
  private final String subject;
  private final long intervalMs;
  private final Map<String, Long> counts = new TreeMap<>();
  private String lastTraceId;
  private long nextLineAt;
  private boolean flushScheduled;

  /**
   * @param subject what is counted, e.g. {@code "requests refused"}: the line reads
   *     "{subject} in the last N s: kind=count, ... (latest trace ...)"
   */
  public SummaryLog(Logger log, Level level, String subject, long intervalMs) {
    this.log = log;
    this.level = level;
    this.subject = subject;
    this.intervalMs = intervalMs;
  }

  /** Counts one refusal of {@code kind}; writes the line now when the interval allows it. */
  public void record(String kind, String traceId) {
    long now = System.currentTimeMillis();
    String line = null;
    synchronized (this) {
      counts.merge(kind, 1L, Long::sum);
      if (traceId != null) {
        lastTraceId = traceId;
      }
      if (now >= nextLineAt) {
        line = takeLine(now);
      } else if (!flushScheduled) {
        flushScheduled = true;
        FLUSHER.schedule(this::flush, nextLineAt - now, TimeUnit.MILLISECONDS);
      }
    }
    write(line);
  }

  private void flush() {
    String line;
    synchronized (this) {
      flushScheduled = false;
      line = counts.isEmpty() ? null : takeLine(System.currentTimeMillis());
    }
    write(line);
  }

  /** The pending counts as one line (and the interval starts again); null when there are none. */
  private String takeLine(long now) {
    if (counts.isEmpty()) {
      return null;
    }
    StringBuilder sb = new StringBuilder(subject).append(" in the last ").append(Math.max(1, intervalMs / 1000))
        .append(" s:");
    counts.forEach((kind, n) -> sb.append(' ').append(kind).append('=').append(n));
    if (lastTraceId != null) {
      sb.append(" (latest trace ").append(lastTraceId).append(')');
    }
    counts.clear();
    lastTraceId = null;
    nextLineAt = now + intervalMs;
    return sb.toString();
  }

  private void write(String line) {
    if (line != null) {
      log.atLevel(level).log(line);
    }
  }
}
