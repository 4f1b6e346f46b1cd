package dev.discordbridge.edge.sse;

import dev.discordbridge.auth.Caller;
import dev.discordbridge.bus.CommandStatus;
import dev.discordbridge.bus.LinkStatus;
import dev.discordbridge.bus.ReplaySnapshot;
import dev.discordbridge.bus.StreamEviction;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamIds;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The SSE fan-out of one router instance: its open streams, the replay window, voice presence,
 * write coalescing, back-pressure, heartbeats and token expiry. Everything here runs on the
 * instance's event loop (the bus consumer, the HTTP handlers and the timer share it), which is
 * what makes the replay-to-live hand-off atomic: nothing else runs between "replay up to the head"
 * and "this stream is live".
 *
 * <p>Per event: one {@link Frame} (built once, off-heap, chunk-framed, shared by every stream), one index
 * lookup by guild ({@link StreamRegistry}), two hash checks per candidate stream, a reference
 * append; {@link StreamWriter} writes each dirty stream once per event-loop turn, in slices.
 */
public final class Fanout {
  private static final String RESET_OUT_OF_WINDOW = "{\"reason\":\"last_event_id_not_resumable\"}";

  private final Vertx vertx;
  private final BridgeConfig.Stream config;
  private final SseMetrics metrics;
  private final Buffer retryFrame;
  public final ReplayWindow<Frame> window;
  final VoicePresence voice = new VoicePresence();
  private final StreamRegistry streams;
  private final StreamWriter writer;

  private long scanTimer = -1;
  /** Set by {@link #start}: link statuses received from then on may anchor the window. */
  private boolean started;
  /** The highest head a link holder reported, or -1. */
  private long linkHead = -1;

  private final UserStreams users;
  /** Where an instance tells the others to end a user's oldest stream ({@code bridge.stream.evict}). */
  private final java.util.function.Consumer<StreamEviction> evictions;

  /**
   * @param users the node-wide count of each user's streams (SSE_MAX_STREAMS_PER_USER)
   * @param evictions publishes an eviction to every router instance of the node
   */
  public Fanout(Vertx vertx, Context context, BridgeConfig.Stream config, SseMetrics metrics, UserStreams users,
         java.util.function.Consumer<StreamEviction> evictions) {
    this.users = users;
    this.evictions = evictions;
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.retryFrame = SseFrames.retry(config.retryMs());
    this.window = new ReplayWindow<>(config.replayWindow());
    this.streams = new StreamRegistry(metrics, users);
    this.writer = new StreamWriter(context, config, metrics, streams, window);
  }

  /** Starts the one periodic scan of this instance (heartbeats and token expiry). */
  public void start() {
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
  public Future<Void> endAll(long boundMs) {
    stop();
    ending = true;
    long spread = Math.max(1, Math.min(1_000, config.retryMs()));
    List<Future<Void>> ends = new ArrayList<>(streams.size());
    for (SseConnection c : streams.snapshot()) {
      ends.add(end(c, ThreadLocalRandom.current().nextLong(spread)));
    }
    if (ends.isEmpty()) {
      return Future.succeededFuture();
    }
    return Future.join(ends).<Void>mapEmpty().timeout(boundMs, TimeUnit.MILLISECONDS).otherwiseEmpty();
  }

  private Future<Void> end(SseConnection c, long retryMs) {
    streams.detach(c);
    if (c.hasPending()) {
      c.writePending();
    }
    try {
      return c.response.end(SseFrames.shutdown(retryMs)).compose(v -> c.connection.close());
    } catch (IllegalStateException alreadyEnded) {
      return Future.succeededFuture();
    }
  }

  public int connections() {
    return streams.size();
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
  public void onLinkStatus(LinkStatus status, String nodeId) {
    if (!started || !status.holder() || status.headStreamId() == null) {
      return;
    }
    long id = StreamIds.parse(status.headStreamId());
    if (id < 0) {
      return;
    }
    linkHead = Math.max(linkHead, id);
    if (nodeId.equals(status.nodeId())) {
      window.anchor(id);
    }
  }

  /** The id a reset frame carries: the window's position, else the last head a holder reported; -1 when none. */
  private long resetId() {
    long id = window.resetResumeId();
    return id >= 0 ? id : linkHead;
  }

  /**
   * One event from {@code bridge.events}.
   *
   * @param repair republished by a new holder under its own id at a handover: dropped when this
   *     instance already has that id (for a reset too, which otherwise always applies)
   */
  public void onEvent(StreamEvent e, boolean repair) {
    if (e.kind() == StreamEvent.Kind.RESET) {
      if (!repair || e.streamId() > window.head()) {
        onReset(e);
      }
      return;
    }
    if (!window.isNew(e)) {
      return; // a duplicate (e.g. already adopted from a peer)
    }
    Frame frame = SseFrames.event(e);
    window.offer(e, frame);
    voice.apply(e);
    List<SseConnection> targets = streams.ofGuild(e.guildId());
    if (targets == null) {
      return;
    }
    boolean any = false;
    long id = e.streamId();
    StreamWriter out = writer;
    streams.beginFanout();
    for (int i = 0, n = targets.size(); i < n; i++) {
      SseConnection c = targets.get(i);
      if (c.closed || c.replaying || id <= c.skipThrough || !c.filter.matchesChannelAndType(e)
          || !c.views(e.guildId(), e.channelId())) {
        continue;
      }
      c.pendingDeliveries++;
      out.enqueue(c, frame);
      any = true;
    }
    streams.endFanout();
    if (any) {
      writer.delivered(e);
    }
  }

  private void onReset(StreamEvent e) {
    window.reset(e.streamId());
    voice.clear();
    metrics.resets.increment();
    Frame frame = SseFrames.reset(resetId(), e.json());
    streams.beginFanout();
    for (int i = 0, n = streams.size(); i < n; i++) {
      SseConnection c = streams.get(i);
      if (c.closed) {
        continue;
      }
      c.replaying = false;
      c.skipThrough = -1;
      writer.enqueue(c, frame);
    }
    streams.endFanout();
  }

  /** {@code bridge.command.status}: to the streams of that user whose filter allows the guild; live only. */
  public void onCommandStatus(CommandStatus status) {
    List<SseConnection> targets = streams.ofUser(status.userId());
    if (targets == null) {
      return;
    }
    String guildId = status.guildId();
    Frame frame = null;
    streams.beginFanout();
    for (int i = 0, n = targets.size(); i < n; i++) {
      SseConnection c = targets.get(i);
      if (c.closed || c.replaying || !c.filter.allowsGuild(guildId)) {
        continue;
      }
      if (frame == null) {
        frame = SseFrames.unnumbered(SseFrames.COMMAND_STATUS, status.toJson().encode());
      }
      writer.enqueue(c, frame);
    }
    streams.endFanout();
  }

  // ---- the HTTP side ----

  /**
   * Opens a stream: headers, {@code retry}, {@code ready}, a {@code reset} when the last id cannot
   * be resumed, then the replay, then live events, all decided in this one call on the event loop.
   *
   * @param lastEventId the client's {@code Last-Event-ID}, or null
   */
  public SseConnection open(HttpConnection connection, HttpServerResponse res, Caller caller, StreamFilter filter,
                     String lastEventId) {
    return open(connection, res, caller, filter, lastEventId, null);
  }

  /** @param visible guild → channels the caller may view (Discord's permissions), or null: no such filter */
  public SseConnection open(HttpConnection connection, HttpServerResponse res, Caller caller, StreamFilter filter,
                     String lastEventId, Map<String, Set<String>> visible) {
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
      head.appendBuffer(SseFrames.reset(resetId(), RESET_OUT_OF_WINDOW).toBuffer());
    }
    VertxInternals.dropWebSocketExtensions(connection);
    SseConnection c = new SseConnection(connection, res, caller.userId(), filter, caller.expiresAtMillis());
    c.visible = visible;
    c.lastWriteAt = now;
    streams.attach(c);
    if (users != null && !ending) {
      UserStreams.Admission admission = users.open(c.userId);
      c.userKey = admission.key();
      for (long key : admission.evict()) {
        evictions.accept(new StreamEviction(c.userId, key, users.max()));
      }
    }
    if (ending) {
      res.write(head);
      end(c, config.retryMs());
      return c;
    }
    res.closeHandler(v -> streams.detach(c));
    res.exceptionHandler(err -> streams.detach(c));
    res.drainHandler(v -> {
      if (!c.closed && (c.hasPending() || c.replaying)) {
        writer.markDirty(c);
      }
    });
    res.write(head);
    if (outcome == ReplayWindow.Outcome.REPLAY) {
      c.replaying = true;
      c.cursor = lastId;
      writer.flush(c, now);
    } else if (outcome == ReplayWindow.Outcome.AHEAD) {
      c.skipThrough = lastId;
    }
    return c;
  }

  /**
   * {@code bridge.stream.evict}: when this instance holds that stream, it gets what is pending, an
   * {@code evicted} event and the end of the response (the connection stays usable).
   */
  public void evict(StreamEviction eviction) {
    List<SseConnection> mine = streams.ofUser(eviction.userId());
    if (mine == null) {
      return;
    }
    for (SseConnection c : mine) {
      if (c.userKey == eviction.streamKey() && !c.closed) {
        streams.detach(c);
        metrics.evicted.increment();
        if (c.hasPending()) {
          c.writePending();
        }
        try {
          c.response.end(SseFrames.evicted(eviction.max()));
        } catch (IllegalStateException alreadyEnded) {
          // the client left meanwhile
        }
        return;
      }
    }
  }

  /** The open streams; {@link ChannelViews} reviews their visible sets when Discord's permissions change. */
  StreamRegistry streams() {
    return streams;
  }

  /** Voice snapshot of the channels the caller may view, and the id it is valid at, read atomically on this loop. */
  public JsonObject voiceSnapshot(String guildId, Predicate<String> mayView) {
    long head = window.head();
    JsonObject channels = voice.channelsOf(guildId);
    channels.fieldNames().removeIf(mayView.negate());
    return new JsonObject()
        .put("channels", channels)
        .put("streamId", StreamIds.format(Math.max(0, head)));
  }

  // ---- heartbeats and expiry: one periodic scan per instance ----

  void scan() {
    long now = System.currentTimeMillis();
    Frame heartbeat = null;
    List<SseConnection> expired = null;
    int beats = 0;
    streams.beginFanout();
    for (int i = 0, n = streams.size(); i < n; i++) {
      SseConnection c = streams.get(i);
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
        writer.enqueue(c, heartbeat);
        beats++;
      }
    }
    streams.endFanout();
    writer.countDelivered();
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
    streams.detach(c);
    if (c.hasPending()) {
      c.writePending();
    }
    c.response.end();
  }

  // ---- late start: hand the window to a peer instance, or take one ----

  /** This instance's window and voice state for a peer that starts late ({@link ReplaySnapshot#NONE} when it knows nothing). */
  public ReplaySnapshot peerSnapshot() {
    if (window.head() < 0) {
      return ReplaySnapshot.NONE;
    }
    List<StreamEvent> events = new ArrayList<>(window.size());
    for (int i = 0; i < window.size(); i++) {
      events.add(window.event(i));
    }
    return new ReplaySnapshot(window.minResumable(), window.head(), events, voice.toJson());
  }

  /** Adopts a peer's snapshot when the union is provably contiguous; returns whether it did. */
  public boolean adoptPeer(ReplaySnapshot snapshot) {
    if (!snapshot.known()) {
      return false;
    }
    boolean empty = window.head() < 0;
    boolean adopted = window.adopt(snapshot.min(), snapshot.head(), snapshot.events(), SseFrames::event);
    if (adopted && empty) {
      voice.load(snapshot.voice());
    }
    return adopted;
  }
}
