package dev.discordbridge.link.hub;

import dev.discordbridge.contract.ContractViolation;
import dev.discordbridge.contract.GatewayEvent;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.LinkFrame;
import dev.discordbridge.link.EventIdWindow;
import dev.discordbridge.link.LinkMetrics;
import dev.discordbridge.link.ResumeAttempts;
import dev.discordbridge.link.ResumePoint;
import dev.discordbridge.link.SessionPosition;
import dev.discordbridge.link.Upstream;
import dev.discordbridge.ops.LogThrottle;
import dev.discordbridge.ops.TraceLog;
import io.vertx.core.json.JsonObject;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub session as the link keeps it across sockets: where it resumes from ({@link ResumePoint}),
 * its failed resumes ({@link ResumeAttempts}), which events are accepted (each once, in order,
 * the seq rules below), and the throttled reports of what was dropped. A {@link HubSession} (one
 * socket) tells it what the hub said; {@link HubLink} asks it where to resume and tells it when a
 * socket is lost. Runs on the holder's context.
 */
final class HubInbound {
  private static final Logger log = LoggerFactory.getLogger(HubInbound.class);

  private final LinkMetrics metrics;
  private final EventIdWindow seen;
  private final Upstream.Listener listener;
  private final Predicate<String> forwardsUnknown;
  private final LogThrottle dropLog = new LogThrottle(5);
  private final LogThrottle noteLog;
  private final ResumePoint position = new ResumePoint();
  private final ResumeAttempts attempts;

  HubInbound(LinkMetrics metrics, EventIdWindow seen, Upstream.Listener listener, Predicate<String> forwardsUnknown,
             int maxFailedResumes, LogThrottle noteLog) {
    this.metrics = metrics;
    this.seen = seen;
    this.listener = listener;
    this.forwardsUnknown = forwardsUnknown;
    this.attempts = new ResumeAttempts(maxFailedResumes);
    this.noteLog = noteLog;
  }

  // ---- the session, across sockets ----

  SessionPosition snapshot() {
    return position.snapshot();
  }

  void resumeAt(SessionPosition from) {
    position.resumeAt(from);
  }

  String sessionId() {
    return position.sessionId();
  }

  /** The seq a heartbeat carries and a resume asks to go on after. */
  Long lastSeq() {
    return position.lastSeq();
  }

  /** A resume is being sent on a new socket: unproven until an event is accepted or the link is stable. */
  void resuming() {
    position.resuming();
    attempts.begin(true);
  }

  /** The hub started session {@code id}; one it would not resume is lost (streams refetch). */
  void fresh(String id) {
    String old = position.sessionId();
    if (old != null) {
      listener.onReset("upstream session " + old + " is not resumable");
    }
    position.startFresh(id);
    attempts.reset();
  }

  /** The hub answered a resume with invalidSession: the session is gone (not a resume that failed to read). */
  void invalidated() {
    String lost = position.sessionId();
    position.forget();
    attempts.reset();
    if (lost != null) {
      listener.onReset("upstream session " + lost + " could not be resumed");
    }
  }

  /** The link stayed connected long enough: its resume is proven. */
  void stable() {
    attempts.proven();
  }

  /**
   * A socket is gone. A resume it did not complete counts as failed (unless the link stands
   * down, {@code counts} false); after LINK_MAX_FAILED_RESUMES in a row the session is given up:
   * the next hello starts a fresh one, and every stream refetches (the hub may replay a frame
   * this bridge cannot read: one above LINK_MAX_FRAME_BYTES closes the socket).
   */
  void socketLost(boolean counts) {
    if (!attempts.ended(counts)) {
      return;
    }
    metrics.resumeFailed();
    if (!attempts.exhausted() || position.sessionId() == null) {
      return;
    }
    String lost = position.sessionId();
    int failed = attempts.failed();
    log.warn("giving up upstream session {} after {} failed resumes in a row (last seq {}); the next connection starts a fresh session",
        lost, failed, position.lastSeq());
    metrics.sessionAbandoned("failed_resumes");
    listener.onReset("upstream session " + lost + " abandoned after " + failed + " failed resumes");
    position.forget();
    attempts.reset();
  }

  // ---- events ----

  /**
   * One event frame, on a socket that is connected or resuming. Only a validated event moves the
   * resume position, and the event-id window, not the seq, decides what was already delivered.
   * Against the seq of the previous event frame (valid or not):
   * <ul>
   *   <li>seq = previous + 1 (or the first of a session): the normal case;
   *   <li>seq > previous + 1: the hub skipped events; counted ({@code gap}), logged, and every
   *       open stream gets a {@code reset} (before the event, when it is valid);
   *   <li>seq <= previous: counted ({@code regress}) and logged when the event is new; it is
   *       delivered, and the position follows the hub back to its seq, so that a resume asks
   *       for everything after it (what comes twice is dropped by event id; nothing is skipped).
   * </ul>
   * An event whose id was already seen is dropped ({@code replayed} when its seq is not above
   * the position, {@code duplicate} otherwise; the latter still moves the position forward).
   */
  void event(LinkFrame.Event frame, long seq, long receivedAt) {
    Object raw = frame.event();
    Long previous = position.frameSeen(seq);
    if (previous != null && seq > previous + 1) {
      seqAnomaly(LinkMetrics.SeqAnomaly.GAP, receivedAt, "upstream seq jumped from {} to {}: the hub skipped {} event(s); streams reset",
          previous, seq, seq - previous - 1);
      listener.onReset("upstream seq jumped from " + previous + " to " + seq + ": events may have been lost");
    }
    GatewayEvent event;
    try {
      event = GatewayEvent.fromJson(raw, forwardsUnknown);
    } catch (ContractViolation v) {
      drop(v.reason(), v.getMessage() + " (seq " + seq + ")", traceOf(raw));
      return;
    }
    deliver(event, seq, previous, receivedAt);
  }

  private void deliver(GatewayEvent event, long seq, Long previous, long receivedAt) {
    boolean fresh = seen.firstSeen(event.id());
    Long lastSeq = position.lastSeq();
    if (!fresh && lastSeq != null && seq <= lastSeq) {
      metrics.dropped("replayed");
      log.debug("event seq {} already received (last {}), dropped", seq, lastSeq);
      return;
    }
    if (fresh && previous != null && seq <= previous) {
      seqAnomaly(LinkMetrics.SeqAnomaly.REGRESS, receivedAt,
          "upstream seq went back from {} to {} with a new event {}: delivered; resuming from {} from now on",
          previous, seq, event.id(), seq);
    }
    position.accepted(seq);
    attempts.proven();
    if (fresh) {
      listener.onEvent(event, seq, receivedAt);
    } else {
      metrics.dropped("duplicate");
    }
  }

  // ---- reporting ----

  void received(String type) {
    metrics.received(type);
  }

  void drop(String reason, String message, String traceId) {
    metrics.dropped(reason);
    long suppressed = dropLog.acquire(System.currentTimeMillis());
    if (suppressed >= 0) {
      TraceLog.warn(log, traceId == null ? "-" : traceId, "dropped a frame from the hub ({}): {}{}", reason, message,
          suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : "");
    }
  }

  private void seqAnomaly(LinkMetrics.SeqAnomaly kind, long now, String format, Object... args) {
    metrics.seqAnomaly(kind);
    long suppressed = noteLog.acquire(now);
    if (suppressed >= 0) {
      log.warn(format + (suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : ""), args);
    }
  }

  /** Whether a rare, repeatable note may be logged now. */
  boolean mayNote() {
    return noteLog.acquire(System.currentTimeMillis()) >= 0;
  }

  static String traceOf(Object event) {
    if (event instanceof JsonObject e && e.getValue("trace") instanceof JsonObject t && Ids.isTraceId(t.getValue("traceId"))) {
      return t.getString("traceId");
    }
    return null;
  }
}
