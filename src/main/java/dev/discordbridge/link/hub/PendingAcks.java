package dev.discordbridge.link.hub;

import dev.discordbridge.bus.BusFailure;
import dev.discordbridge.bus.UpstreamAck;
import dev.discordbridge.contract.LinkFrame;
import dev.discordbridge.contract.Text;
import dev.discordbridge.link.InboundFrame;
import dev.discordbridge.link.UpstreamException;
import dev.discordbridge.ops.LogThrottle;
import dev.discordbridge.ops.TraceLog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands written to the hub and waiting for its ack, by command id (a retry with the same id
 * joins the waiters of an earlier try). A command without an ack is forgotten after the
 * attempt timeout: its caller's request times out on its own.
 */
final class PendingAcks {
  private static final Logger log = LoggerFactory.getLogger(PendingAcks.class);

  private record Pending(List<Promise<UpstreamAck>> waiters, long timer, String traceId) {}

  /** One registration: the ack to come, and the timer that identifies this try. */
  record Ticket(Future<UpstreamAck> ack, long timer) {}

  private final Vertx vertx;
  private final long timeoutMs;
  private final LogThrottle noteLog;
  private final Map<String, Pending> pending = new HashMap<>();

  PendingAcks(Vertx vertx, long timeoutMs, LogThrottle noteLog) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
    this.noteLog = noteLog;
  }

  int size() {
    return pending.size();
  }

  Ticket register(String id, String traceId) {
    Pending earlier = pending.remove(id);
    List<Promise<UpstreamAck>> waiters = new ArrayList<>();
    if (earlier != null) {
      vertx.cancelTimer(earlier.timer());
      waiters.addAll(earlier.waiters());
    }
    Promise<UpstreamAck> promise = Promise.promise();
    waiters.add(promise);
    long timer = vertx.setTimer(timeoutMs, t -> {
      Pending p = pending.get(id);
      if (p != null && p.timer() == t) {
        pending.remove(id);
        TraceLog.info(log, p.traceId(), "no ack for command {} within {} ms; forgetting it", id, timeoutMs);
      }
    });
    pending.put(id, new Pending(waiters, timer, traceId));
    return new Ticket(promise.future(), timer);
  }

  /** The frame of the try {@code ticket} could not be written: its waiters fail as LINK_DOWN. */
  void writeFailed(String id, Ticket ticket, String why) {
    Pending p = pending.get(id);
    if (p != null && p.timer() == ticket.timer()) {
      pending.remove(id);
      vertx.cancelTimer(p.timer());
      TraceLog.warn(log, p.traceId(), "command {} could not be written upstream: {}", id, why);
      p.waiters().forEach(w -> w.fail(linkDown()));
    }
  }

  void settle(LinkFrame.Ack ack) {
    Pending p = pending.remove(ack.commandId());
    if (p == null) {
      if (noteLog.acquire(System.currentTimeMillis()) >= 0) {
        log.info("ack for unknown command {} ignored (late, or not ours)", Text.cleanName(ack.commandId()));
      }
      return;
    }
    vertx.cancelTimer(p.timer());
    UpstreamAck reply;
    if (ack.ok()) {
      reply = UpstreamAck.delivered(ack.result());
    } else {
      UpstreamAck.UpstreamError error = upstreamError(ack.error());
      TraceLog.info(log, p.traceId(), "hub refused command {}: {} ({})", ack.commandId(), error.code(),
          error.retryable() ? "retryable" : "final");
      reply = UpstreamAck.refused(error);
    }
    p.waiters().forEach(w -> w.complete(reply));
  }

  /** The link is gone: every waiter fails as LINK_DOWN. */
  void failAll() {
    if (pending.isEmpty()) {
      return;
    }
    List<Pending> waiting = new ArrayList<>(pending.values());
    pending.clear();
    for (Pending p : waiting) {
      vertx.cancelTimer(p.timer());
      p.waiters().forEach(w -> w.fail(linkDown()));
    }
    log.info("upstream link lost with {} command(s) awaiting an ack; failed them as LINK_DOWN", waiting.size());
  }

  static UpstreamException linkDown() {
    return new UpstreamException(BusFailure.LINK_DOWN, "LINK_DOWN");
  }

  /** The hub's error, reduced to the contract's fields with sane types. */
  static UpstreamAck.UpstreamError upstreamError(JsonObject e) {
    JsonObject error = e == null ? new JsonObject() : e;
    Object code = error.getValue("code");
    Object message = error.getValue("message");
    Long retryAfter = InboundFrame.integer(error.getValue("retryAfterMs"));
    return new UpstreamAck.UpstreamError(
        code instanceof String s && !s.isBlank() ? HubLink.cap(Text.cleanName(s), 64) : "UPSTREAM_ERROR",
        message instanceof String s ? HubLink.cap(Text.cleanName(s), 500) : "",
        Boolean.TRUE.equals(error.getValue("retryable")),
        retryAfter == null || retryAfter < 0 ? null : retryAfter);
  }
}
