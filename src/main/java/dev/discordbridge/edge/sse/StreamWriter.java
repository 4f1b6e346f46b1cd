package dev.discordbridge.edge.sse;

import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.StreamEvent;
import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Write coalescing and back-pressure for the streams of one {@link Fanout}: pending bytes per
 * stream, the queue of dirty streams, and the flush task that writes each dirty stream once per
 * event-loop turn, for at most {@link #SLICE_NANOS} per task; the rest follow in the next
 * iteration of the event loop, after its socket reads and its queued tasks, so that bus messages
 * and HTTP requests (commands!) wait for one slice, not for a whole pass over every stream. (A
 * plain {@code runOnContext} would not do: Netty runs queued tasks for up to a second before it
 * reads sockets again.) Replays are written from the window in chunks through the same queue.
 */
final class StreamWriter {
  static final int REPLAY_CHUNK_BYTES = 64 * 1024;
  /**
   * How long one flush task may write before it yields to the loop's socket reads and queued
   * tasks: what a command POST or a bus hop landing on this loop waits at most (a time, not a
   * count of streams, since a write costs 10 to 40 µs with the machine and the rate).
   */
  static final long SLICE_NANOS = 2_000_000;
  /** Streams written between two reads of the clock. */
  private static final int CLOCK_EVERY = 16;

  private final Context context;
  private final BridgeConfig.Stream config;
  private final SseMetrics metrics;
  private final StreamRegistry streams;
  private final ReplayWindow<Frame> window;
  private final int eagerEvents;
  private final int eagerBytes;

  /** Streams with pending bytes, in the order they became dirty; written from the head. */
  private final ArrayDeque<SseConnection> dirty = new ArrayDeque<>();
  private final List<StreamEvent> turnEvents = new ArrayList<>();
  /** Event frames written since the counter was last updated (one meter update per task, not per write). */
  private long deliveredUncounted;
  private boolean flushScheduled;
  private final Handler<Void> flushTask = v -> flushAll();
  /** The loop's "after this iteration" queue, or null (then a plain task on the context). */
  private final SingleThreadEventLoop loop;
  private final Runnable flushAfterIteration;
  private final Runnable flushNextIteration;

  StreamWriter(Context context, BridgeConfig.Stream config, SseMetrics metrics, StreamRegistry streams,
               ReplayWindow<Frame> window) {
    this.context = context;
    this.config = config;
    this.metrics = metrics;
    this.streams = streams;
    this.window = window;
    this.eagerEvents = Math.max(1, config.clientBufferEvents() / 2);
    this.eagerBytes = Math.max(1, Math.min(config.clientBufferBytes() / 2, REPLAY_CHUNK_BYTES));
    EventLoop eventLoop = VertxInternals.eventLoop(context);
    this.loop = eventLoop instanceof SingleThreadEventLoop st ? st : null;
    this.flushAfterIteration = VertxInternals.dispatcher(context, flushTask);
    // From a tail task, a new tail task would run in the same iteration: go through the task queue.
    this.flushNextIteration = () -> scheduleFlush();
  }

  /** An event that reached at least one stream this turn: its latency is recorded when the turn is written. */
  void delivered(StreamEvent e) {
    turnEvents.add(e);
  }

  /**
   * Appends a frame to the stream's pending bytes. Normally they are written once at the end of
   * the turn; a burst that reaches half the bound is written at once while the socket accepts it.
   * Only bytes the socket refuses count against the bound: past it, the client is cut off.
   */
  void enqueue(SseConnection c, Frame frame) {
    c.append(frame);
    if (c.pendingEvents >= eagerEvents || c.pendingBytes >= eagerBytes) {
      if (c.writable()) {
        write(c, System.currentTimeMillis());
        return;
      }
      if (c.pendingEvents > config.clientBufferEvents() || c.pendingBytes > config.clientBufferBytes()) {
        disconnectSlow(c);
        return;
      }
    }
    markDirty(c);
  }

  private void write(SseConnection c, long now) {
    deliveredUncounted += c.pendingDeliveries;
    c.writePending();
    c.lastWriteAt = now;
  }

  void countDelivered() {
    if (deliveredUncounted > 0) {
      metrics.delivered.increment(deliveredUncounted);
      deliveredUncounted = 0;
    }
  }

  void markDirty(SseConnection c) {
    if (c.dirty) {
      return;
    }
    c.dirty = true;
    dirty.add(c);
    if (!flushScheduled) {
      flushScheduled = true;
      scheduleFlush();
    }
  }

  /** Runs {@link #flushAll} once this event-loop iteration has run its I/O and its queued tasks. */
  private void scheduleFlush() {
    if (loop != null && loop.inEventLoop()) {
      loop.executeAfterEventLoopIteration(flushAfterIteration);
    } else {
      context.runOnContext(flushTask);
    }
  }

  /**
   * One task per event-loop turn: dirty streams get one write each for up to {@link #SLICE_NANOS};
   * a stream marked dirty again meanwhile (a replay chunk, a new event) goes to the back of the queue.
   */
  private void flushAll() {
    long now = System.currentTimeMillis();
    long until = System.nanoTime() + SLICE_NANOS;
    for (int i = 1; ; i++) {
      SseConnection c = dirty.poll();
      if (c == null) {
        break;
      }
      c.dirty = false;
      flush(c, now);
      if (i % CLOCK_EVERY == 0 && System.nanoTime() - until >= 0) {
        break;
      }
    }
    countDelivered();
    if (!dirty.isEmpty()) {
      // flushScheduled stays true: one flush at a time. Sockets are read before the next slice.
      if (loop != null) {
        loop.execute(flushNextIteration);
      } else {
        context.runOnContext(flushTask);
      }
      if (turnEvents.size() < 1024) {
        return;
      }
    } else {
      flushScheduled = false;
    }
    for (int i = 0, n = turnEvents.size(); i < n; i++) {
      metrics.recordLatency(now - turnEvents.get(i).receivedAt());
    }
    turnEvents.clear();
  }

  /** Writes the stream's pending bytes (and, in a replay, its next chunk) if the socket accepts them. */
  void flush(SseConnection c, long now) {
    if (c.closed) {
      return;
    }
    if (c.replaying) {
      fillReplay(c);
      if (c.closed) {
        return;
      }
    }
    if (!c.hasPending() || !c.writable()) {
      return; // a full queue: the drain handler marks it dirty again; the bound is checked on enqueue
    }
    write(c, now);
    if (c.replaying && c.writable()) {
      markDirty(c);
    }
  }

  /** Moves the next chunk of the replay into the pending bytes; ends the replay at the head. */
  private void fillReplay(SseConnection c) {
    if (c.cursor < window.minResumable()) {
      disconnectSlow(c); // the window moved past a client that reads too slowly
      return;
    }
    int i = window.indexAfter(c.cursor);
    int n = window.size();
    while (i < n && c.pendingBytes < REPLAY_CHUNK_BYTES) {
      StreamEvent e = window.event(i);
      if (c.filter.matches(e) && c.views(e.guildId(), e.channelId())) {
        c.append(window.payload(i));
        c.pendingDeliveries++;
      }
      c.cursor = e.streamId();
      i++;
    }
    if (i >= n) {
      c.replaying = false;
      c.cursor = window.head();
    }
  }

  private void disconnectSlow(SseConnection c) {
    if (c.closed) {
      return;
    }
    metrics.slowDisconnects.increment();
    c.dropPending();
    streams.detach(c);
    c.connection.close();
  }
}
