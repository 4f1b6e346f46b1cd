package dev.discordbridge.stream;

import dev.discordbridge.auth.Caller;
import dev.discordbridge.bus.CommandStatus;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamEventCodec;
import dev.discordbridge.contract.StreamIds;
import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The SSE fan-out of one router instance: its open streams, the replay window, voice presence,
 * write coalescing, back-pressure, heartbeats and token expiry. Everything here runs on the
 * instance's event loop (the bus consumer, the HTTP handlers and the timer share it), which is
 * what makes the replay-to-live hand-off atomic: nothing else runs between "replay up to the head"
 * and "this stream is live".
 *
 * <p>Per event: one frame {@link Buffer} (built once, off-heap, shared by every stream), one index
 * lookup by guild, two hash checks per candidate stream, a reference append. Writing: one flush
 * task per event-loop turn writes each dirty stream once, at most {@link #FLUSH_SLICE} streams per
 * task; the rest follow in the next iteration of the event loop, after its socket reads and its
 * queued tasks, so that bus messages and HTTP requests (commands!) wait for one slice, not for a
 * whole pass over every stream. (A plain {@code runOnContext} would not do: Netty runs queued
 * tasks for up to a second before it reads sockets again.) Under load, events that
 * arrive during a pass join the pending bytes of the streams not yet written: one write carries
 * several events (coalescing without a fixed delay; an idle stream is written in the turn its
 * event arrives).
 */
final class Fanout {
  static final int REPLAY_CHUNK_BYTES = 64 * 1024;
  /** Streams written per flush task: a few milliseconds of socket writes. */
  static final int FLUSH_SLICE = 256;
  private static final String RESET_OUT_OF_WINDOW = "{\"reason\":\"last_event_id_not_resumable\"}";

  private final Vertx vertx;
  private final Context context;
  private final BridgeConfig.Stream config;
  private final SseMetrics metrics;
  private final Buffer retryFrame;
  private final int eagerEvents;
  private final int eagerBytes;
  final ReplayWindow<Buffer> window;
  final VoicePresence voice = new VoicePresence();

  private final List<SseConnection> all = new ArrayList<>();
  private final Map<String, List<SseConnection>> byGuild = new HashMap<>();
  private final Map<String, List<SseConnection>> byUser = new HashMap<>();

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

  private boolean fanningOut;
  private final List<SseConnection> deferredDetach = new ArrayList<>();
  private long scanTimer = -1;
  /** Set by {@link #start}: link statuses received from then on may anchor the window. */
  private boolean started;
  /** The highest head a link holder reported, or -1. */
  private long linkHead = -1;

  Fanout(Vertx vertx, Context context, BridgeConfig.Stream config, SseMetrics metrics) {
    this.vertx = vertx;
    this.context = context;
    this.config = config;
    this.metrics = metrics;
    this.retryFrame = SseFrames.retry(config.retryMs());
    this.eagerEvents = Math.max(1, config.clientBufferEvents() / 2);
    this.eagerBytes = Math.max(1, Math.min(config.clientBufferBytes() / 2, REPLAY_CHUNK_BYTES));
    this.window = new ReplayWindow<>(config.replayWindow());
    // Vert.x's internal context API: the one way to reach the Netty loop that runs this context.
    ContextInternal ci = (ContextInternal) context;
    EventLoop eventLoop = ci.nettyEventLoop();
    this.loop = eventLoop instanceof SingleThreadEventLoop st ? st : null;
    this.flushAfterIteration = () -> ci.dispatch(flushTask);
    // From a tail task, a new tail task would run in the same iteration: go through the task queue.
    this.flushNextIteration = () -> scheduleFlush();
  }

  /** Runs {@link #flushAll} once this event-loop iteration has run its I/O and its queued tasks. */
  private void scheduleFlush() {
    if (loop != null && loop.inEventLoop()) {
      loop.executeAfterEventLoopIteration(flushAfterIteration);
    } else {
      context.runOnContext(flushTask);
    }
  }

  /** Starts the one periodic scan of this instance (heartbeats and token expiry). */
  void start() {
    long period = Math.max(10, Math.min(config.heartbeatMs() / 4, 1000));
    scanTimer = vertx.setPeriodic(period, id -> scan());
    started = true;
  }

  void stop() {
    if (scanTimer >= 0) {
      vertx.cancelTimer(scanTimer);
    }
  }

  /** Once set, a stream that opens is ended at once (the node is stopping). */
  private boolean ending;

  /**
   * The node is stopping: every stream gets what is pending, a final {@code shutdown} event, and
   * the chunked terminator, then its connection is closed (FIN, never a reset). The retry each
   * client is told is spread over up to a second, so that the browsers of a node do not all
   * reconnect to its peers in the same instant. Completes when every end is written, or after
   * {@code boundMs} for clients that do not read.
   */
  Future<Void> endAll(long boundMs) {
    stop();
    ending = true;
    long spread = Math.max(1, Math.min(1_000, config.retryMs()));
    List<Future<Void>> ends = new ArrayList<>(all.size());
    for (SseConnection c : new ArrayList<>(all)) {
      ends.add(end(c, ThreadLocalRandom.current().nextLong(spread)));
    }
    if (ends.isEmpty()) {
      return Future.succeededFuture();
    }
    return Future.join(ends).<Void>mapEmpty().timeout(boundMs, TimeUnit.MILLISECONDS).otherwiseEmpty();
  }

  private Future<Void> end(SseConnection c, long retryMs) {
    detach(c);
    if (c.hasPending()) {
      c.response.write(c.takePending());
    }
    try {
      return c.response.end(SseFrames.shutdown(retryMs)).compose(v -> c.connection.close());
    } catch (IllegalStateException alreadyEnded) {
      return Future.succeededFuture();
    }
  }

  int connections() {
    return all.size();
  }

  // ---- the bus side ----

  /**
   * {@code bridge.link.status}: the holder's head gives a fresh window a position, so that a reset
   * written before any event still carries an id (without one, EventSource resends the old id and
   * is reset again on every reconnect). The window is anchored only from a holder on this node and
   * only once {@link #start} ran (after this instance's event consumer was registered): that holder
   * publishes every later event after this status, on this node, to a registered consumer, so none
   * can be missed. A remote holder's head only names the position ({@link #resetId}); it proves
   * nothing about subscriptions still spreading through the cluster.
   */
  void onLinkStatus(JsonObject status, String nodeId) {
    if (!started || !status.getBoolean("holder", false) || !(status.getValue("headStreamId") instanceof String text)) {
      return;
    }
    long id = StreamIds.parse(text);
    if (id < 0) {
      return;
    }
    linkHead = Math.max(linkHead, id);
    if (nodeId.equals(status.getString("nodeId"))) {
      window.anchor(id);
    }
  }

  /** The id a reset frame carries: the window's position, else the last head a holder reported; -1 when none. */
  private long resetId() {
    long id = window.resetResumeId();
    return id >= 0 ? id : linkHead;
  }

  void onEvent(StreamEvent e) {
    if (e.kind() == StreamEvent.Kind.RESET) {
      onReset(e);
      return;
    }
    if (!window.isNew(e)) {
      return; // a duplicate (e.g. already adopted from a peer)
    }
    Buffer frame = SseFrames.event(e);
    window.offer(e, frame);
    voice.apply(e);
    List<SseConnection> targets = byGuild.get(e.guildId());
    if (targets == null) {
      return;
    }
    boolean any = false;
    long id = e.streamId();
    fanningOut = true;
    for (int i = 0, n = targets.size(); i < n; i++) {
      SseConnection c = targets.get(i);
      if (c.closed || c.replaying || id <= c.skipThrough || !c.filter.matchesChannelAndType(e)) {
        continue;
      }
      c.pendingDeliveries++;
      enqueue(c, frame);
      any = true;
    }
    endFanout();
    if (any) {
      turnEvents.add(e);
    }
  }

  private void onReset(StreamEvent e) {
    window.reset(e.streamId());
    voice.clear();
    metrics.resets.increment();
    Buffer frame = SseFrames.reset(resetId(), e.json());
    fanningOut = true;
    for (int i = 0, n = all.size(); i < n; i++) {
      SseConnection c = all.get(i);
      if (c.closed) {
        continue;
      }
      c.replaying = false;
      c.skipThrough = -1;
      enqueue(c, frame);
    }
    endFanout();
  }

  /** {@code bridge.command.status}: to the streams of that user whose filter allows the guild; live only. */
  void onCommandStatus(CommandStatus status) {
    List<SseConnection> targets = byUser.get(status.userId());
    if (targets == null) {
      return;
    }
    String guildId = status.guildId();
    Buffer frame = null;
    fanningOut = true;
    for (int i = 0, n = targets.size(); i < n; i++) {
      SseConnection c = targets.get(i);
      if (c.closed || c.replaying || !c.filter.allowsGuild(guildId)) {
        continue;
      }
      if (frame == null) {
        frame = SseFrames.unnumbered(SseFrames.COMMAND_STATUS, status.toJson().encode());
      }
      enqueue(c, frame);
    }
    endFanout();
  }

  // ---- the HTTP side ----

  /**
   * Opens a stream: headers, {@code retry}, {@code ready}, a {@code reset} when the last id cannot
   * be resumed, then the replay, then live events, all decided in this one call on the event loop.
   *
   * @param lastEventId the client's {@code Last-Event-ID}, or null
   */
  SseConnection open(HttpConnection connection, HttpServerResponse res, Caller caller, StreamFilter filter,
                     String lastEventId) {
    long now = System.currentTimeMillis();
    res.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    ReplayWindow.Outcome outcome = null;
    long lastId = -1;
    if (lastEventId != null) {
      lastId = StreamIds.parse(lastEventId.trim());
      outcome = lastId < 0 ? ReplayWindow.Outcome.RESET : window.resolve(lastId);
      (outcome == ReplayWindow.Outcome.RESET ? metrics.replaysReset : metrics.replaysResumed).increment();
    }
    boolean resumed = outcome != null && outcome != ReplayWindow.Outcome.RESET;
    Buffer head = Buffer.buffer(160).appendBuffer(retryFrame).appendBuffer(SseFrames.ready(resumed));
    if (outcome == ReplayWindow.Outcome.RESET) {
      head.appendBuffer(SseFrames.reset(resetId(), RESET_OUT_OF_WINDOW));
    }
    SseConnection c = new SseConnection(connection, res, caller.userId(), filter, caller.expiresAtMillis());
    c.lastWriteAt = now;
    attach(c);
    if (ending) {
      res.write(head);
      end(c, config.retryMs());
      return c;
    }
    res.closeHandler(v -> detach(c));
    res.exceptionHandler(err -> detach(c));
    res.drainHandler(v -> {
      if (!c.closed && (c.hasPending() || c.replaying)) {
        markDirty(c);
      }
    });
    res.write(head);
    if (outcome == ReplayWindow.Outcome.REPLAY) {
      c.replaying = true;
      c.cursor = lastId;
      flush(c, now);
    } else if (outcome == ReplayWindow.Outcome.AHEAD) {
      c.skipThrough = lastId;
    }
    return c;
  }

  /** Voice snapshot and the id it is valid at, read atomically on this loop. */
  JsonObject voiceSnapshot(String guildId) {
    long head = window.head();
    return new JsonObject()
        .put("channels", voice.channelsOf(guildId))
        .put("streamId", StreamIds.format(Math.max(0, head)));
  }

  // ---- writing ----

  /**
   * Appends a frame to the stream's pending bytes. Normally they are written once at the end of
   * the turn; a burst that reaches half the bound is written at once while the socket accepts it.
   * Only bytes the socket refuses count against the bound: past it, the client is cut off.
   */
  private void enqueue(SseConnection c, Buffer frame) {
    c.append(frame);
    if (c.pendingEvents >= eagerEvents || c.pendingBytes >= eagerBytes) {
      if (!c.response.writeQueueFull()) {
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
    c.response.write(c.takePending());
    c.lastWriteAt = now;
  }

  private void countDelivered() {
    if (deliveredUncounted > 0) {
      metrics.delivered.increment(deliveredUncounted);
      deliveredUncounted = 0;
    }
  }

  private void markDirty(SseConnection c) {
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

  /**
   * One task per event-loop turn: up to {@link #FLUSH_SLICE} dirty streams get one write each; a
   * stream marked dirty again meanwhile (a replay chunk, a new event) goes to the back of the queue.
   */
  private void flushAll() {
    long now = System.currentTimeMillis();
    for (int i = 0; i < FLUSH_SLICE; i++) {
      SseConnection c = dirty.poll();
      if (c == null) {
        break;
      }
      c.dirty = false;
      flush(c, now);
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

  private void flush(SseConnection c, long now) {
    if (c.closed) {
      return;
    }
    if (c.replaying) {
      fillReplay(c);
      if (c.closed) {
        return;
      }
    }
    if (!c.hasPending() || c.response.writeQueueFull()) {
      return; // a full queue: the drain handler marks it dirty again; the bound is checked on enqueue
    }
    write(c, now);
    if (c.replaying && !c.response.writeQueueFull()) {
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
      if (c.filter.matches(e)) {
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
    c.takePending();
    detach(c);
    c.connection.close();
  }

  // ---- heartbeats and expiry: one periodic scan per instance ----

  void scan() {
    long now = System.currentTimeMillis();
    Buffer heartbeat = null;
    List<SseConnection> expired = null;
    int beats = 0;
    fanningOut = true;
    for (int i = 0, n = all.size(); i < n; i++) {
      SseConnection c = all.get(i);
      if (c.closed) {
        continue;
      }
      if (now >= c.expiresAtMillis) {
        if (expired == null) {
          expired = new ArrayList<>();
        }
        expired.add(c);
      } else if (!c.replaying && !c.hasPending() && now - c.lastWriteAt >= config.heartbeatMs()) {
        if (heartbeat == null) {
          heartbeat = SseFrames.heartbeat(now);
        }
        enqueue(c, heartbeat);
        beats++;
      }
    }
    endFanout();
    countDelivered();
    if (beats > 0) {
      metrics.heartbeats.increment(beats);
    }
    if (expired != null) {
      for (SseConnection c : expired) {
        expire(c);
      }
    }
  }

  /** The token expired: flush what is pending, end the response (the client's reconnect then needs a new token). */
  private void expire(SseConnection c) {
    detach(c);
    if (c.hasPending()) {
      c.response.write(c.takePending());
    }
    c.response.end();
  }

  // ---- bookkeeping ----

  private void attach(SseConnection c) {
    c.index = all.size();
    all.add(c);
    for (String g : c.filter.guilds()) {
      byGuild.computeIfAbsent(g, k -> new ArrayList<>()).add(c);
    }
    byUser.computeIfAbsent(c.userId, k -> new ArrayList<>()).add(c);
    metrics.connections.incrementAndGet();
  }

  private void detach(SseConnection c) {
    if (c.closed) {
      return;
    }
    c.closed = true;
    if (fanningOut) {
      deferredDetach.add(c);
    } else {
      unlink(c);
    }
  }

  private void endFanout() {
    fanningOut = false;
    if (!deferredDetach.isEmpty()) {
      for (SseConnection c : deferredDetach) {
        unlink(c);
      }
      deferredDetach.clear();
    }
  }

  private void unlink(SseConnection c) {
    int last = all.size() - 1;
    SseConnection moved = all.get(last);
    all.set(c.index, moved);
    moved.index = c.index;
    all.remove(last);
    for (String g : c.filter.guilds()) {
      removeFrom(byGuild, g, c);
    }
    removeFrom(byUser, c.userId, c);
    metrics.connections.decrementAndGet();
  }

  private static void removeFrom(Map<String, List<SseConnection>> index, String key, SseConnection c) {
    List<SseConnection> list = index.get(key);
    if (list == null) {
      return;
    }
    for (int i = list.size() - 1; i >= 0; i--) {
      if (list.get(i) == c) {
        int last = list.size() - 1;
        list.set(i, list.get(last));
        list.remove(last);
        break;
      }
    }
    if (list.isEmpty()) {
      index.remove(key);
    }
  }

  // ---- late start: hand the window to a peer instance, or take one ----

  private static final StreamEventCodec CODEC = new StreamEventCodec();

  /** This instance's window and voice state for a peer that starts late, or null when it knows nothing. */
  JsonObject peerSnapshot() {
    if (window.head() < 0) {
      return null;
    }
    Buffer events = Buffer.buffer();
    for (int i = 0; i < window.size(); i++) {
      CODEC.encodeToWire(events, window.event(i));
    }
    return new JsonObject().put("min", window.minResumable()).put("head", window.head())
        .put("count", window.size()).put("events", events).put("voice", voice.toJson());
  }

  /** Adopts a peer's snapshot when the union is provably contiguous; returns whether it did. */
  boolean adoptPeer(JsonObject snapshot) {
    boolean empty = window.head() < 0;
    Buffer buf = snapshot.getBuffer("events");
    List<StreamEvent> events = new ArrayList<>(snapshot.getInteger("count"));
    int pos = 0;
    for (int i = 0; i < snapshot.getInteger("count"); i++) {
      StreamEvent e = CODEC.decodeFromWire(pos, buf);
      events.add(e);
      pos += StreamEventCodec.encodedLength(buf, pos);
    }
    boolean adopted = window.adopt(snapshot.getLong("min"), snapshot.getLong("head"), events, SseFrames::event);
    if (adopted && empty) {
      voice.load(snapshot.getJsonObject("voice"));
    }
    return adopted;
  }
}
