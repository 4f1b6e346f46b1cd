package dev.discordbridge.discord.shard;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.ShardEvents;
import dev.discordbridge.contract.GatewayEvent;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries one shard's events to the link holder, in order, with nothing lost while this node
 * holds the shard: one batch in flight at a time ({@code bridge.discord.shard.events}), resent
 * until the holder answers (there may be no holder for a moment during a failover). What the
 * holder confirmed is the shard's resume position ({@link #confirmed}): a node that takes the
 * shard over resumes from there, and Discord replays the rest.
 *
 * <p>Bounded: past {@link #MAX_PENDING} waiting events the backlog is dropped and a reset sent
 * instead (streams refetch), rather than letting memory grow while no holder answers.
 */
final class ShardPipe {
  private static final Logger log = LoggerFactory.getLogger(ShardPipe.class);
  static final int MAX_PENDING = 100_000;
  private static final long SEND_TIMEOUT_MS = 5_000;
  private static final long RETRY_MS = 250;

  /** One dispatch: its session and sequence, and the events it gave (maybe none). */
  private record Entry(String sessionId, long seq, List<GatewayEvent> events, String reset) {}

  private final Vertx vertx;
  private final int shardId;
  private final String nodeId;
  private final ArrayDeque<Entry> pending = new ArrayDeque<>();
  private int pendingEvents;
  private boolean inFlight;
  private boolean closed;
  private long retryTimer = -1;
  private String confirmedSession;
  private Long confirmedSeq;
  private int failures;

  ShardPipe(Vertx vertx, int shardId, String nodeId, String session, Long seq) {
    this.vertx = vertx;
    this.shardId = shardId;
    this.nodeId = nodeId;
    this.confirmedSession = session;
    this.confirmedSeq = seq;
  }

  /** The session and sequence the holder has published up to (null before the first). */
  String confirmedSession() { return confirmedSession; }

  Long confirmedSeq() { return confirmedSeq; }

  int pendingEvents() { return pendingEvents; }

  void offer(String sessionId, long seq, List<GatewayEvent> events) {
    if (closed) {
      return;
    }
    if (pendingEvents + events.size() > MAX_PENDING) {
      log.warn("discord shard {}: {} events waiting for the link holder; dropping them and resetting the streams",
          shardId, pendingEvents);
      pending.clear();
      pendingEvents = 0;
      pending.add(new Entry(sessionId, seq, List.of(), "the shard's backlog overflowed while no link holder answered"));
    }
    pending.add(new Entry(sessionId, seq, events, null));
    pendingEvents += events.size();
    flush();
  }

  /** Events may have been lost before what follows: every stream must refetch. */
  void reset(String sessionId, String reason) {
    if (!closed) {
      pending.add(new Entry(sessionId, -1, List.of(), reason));
      flush();
    }
  }

  void close() {
    closed = true;
    vertx.cancelTimer(retryTimer);
  }

  private void flush() {
    if (inFlight || closed || pending.isEmpty() || retryTimer >= 0) {
      return;
    }
    List<Entry> taken = batch();
    Entry last = taken.get(taken.size() - 1);
    List<GatewayEvent> events = new ArrayList<>();
    String reset = null;
    for (Entry e : taken) {
      events.addAll(e.events());
      reset = reset == null ? e.reset() : reset;
    }
    Long lastSeq = last.seq() < 0 ? null : last.seq();
    inFlight = true;
    vertx.eventBus().<ShardEvents.Ack>request(Addresses.DISCORD_SHARD_EVENTS,
            new ShardEvents(shardId, nodeId, last.sessionId(), lastSeq, events, reset),
            new DeliveryOptions().setSendTimeout(SEND_TIMEOUT_MS))
        .onComplete(ar -> {
          inFlight = false;
          if (closed) {
            return;
          }
          if (ar.succeeded()) {
            confirm(taken, last, lastSeq);
          } else {
            retryLater(ar.cause());
          }
        });
  }

  /** Whole dispatches from the head, one session, at most {@link ShardEvents#MAX_EVENTS} events (one dispatch at least). */
  private List<Entry> batch() {
    List<Entry> taken = new ArrayList<>();
    int events = 0;
    for (Entry e : pending) {
      boolean sameSession = taken.isEmpty() || Objects.equals(taken.get(0).sessionId(), e.sessionId());
      if (!taken.isEmpty() && (!sameSession || events + e.events().size() > ShardEvents.MAX_EVENTS || e.reset() != null)) {
        break;
      }
      taken.add(e);
      events += e.events().size();
    }
    return taken;
  }

  private void confirm(List<Entry> taken, Entry last, Long lastSeq) {
    for (int i = 0; i < taken.size(); i++) {
      pendingEvents -= pending.removeFirst().events().size();
    }
    failures = 0;
    if (lastSeq != null) {
      confirmedSession = last.sessionId();
      confirmedSeq = lastSeq;
    }
    flush();
  }

  private void retryLater(Throwable cause) {
    if (failures++ == 0) {
      log.warn("discord shard {}: the link holder did not take {} events ({}); retrying until it does", shardId,
          pendingEvents, cause.getMessage());
    }
    retryTimer = vertx.setTimer(RETRY_MS, id -> {
      retryTimer = -1;
      flush();
    });
  }
}
