package dev.discordbridge.discord.shard;

import dev.discordbridge.discord.rest.GatewayUrls;
import dev.discordbridge.link.Heartbeat;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.zip.DataFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket of a {@link ShardSession}: waits for Hello, heartbeats ({@link Heartbeat}: the
 * first after {@code interval × random}, then every interval; a beat due with the previous one
 * unacknowledged means a zombie link), sends Identify (once the gate allows) or Resume, inflates
 * {@code zlib-stream} messages, paces its sends ({@link GatewaySendLimiter}) and turns each
 * opcode into a call on its {@link Owner}. Once its session has moved on, it ignores everything.
 */
final class ShardConnection {
  private static final Logger log = LoggerFactory.getLogger(ShardConnection.class);
  private static final long MIN_HEARTBEAT_MS = 10;
  /** Discord's limit on a payload sent to the gateway. */
  static final int MAX_PAYLOAD_BYTES = 4096;

  /** The session that holds the socket, as the socket sees it (implemented by {@link ShardSession}). */
  interface Owner {
    boolean isCurrent(ShardConnection c);

    /** The last sequence number received in the session (heartbeat {@code d}, Resume {@code seq}). */
    Long lastSeq();

    void state(ShardState next, String why);

    /** Completes, on the session's context, when this shard may Identify (fails when it may not). */
    Future<Void> identifyTurn();

    /**
     * One op 0 from {@code c}, with its raw {@code s} and the seq of the last dispatch {@code c}
     * delivered (null before the first).
     *
     * @return the seq of this dispatch when it was delivered, else null
     */
    Long dispatch(ShardConnection c, String type, JsonObject d, Object s, Long previousSeq);

    /** {@code c} ended (closed by Discord, or by the bridge just after this call). */
    void ended(ShardConnection c, ConnectionEnd end, String why);
  }

  private record Outgoing(String text, Promise<Void> sent) {}

  private final Vertx vertx;
  private final ShardOptions options;
  private final WebSocket ws;
  private final Owner owner;
  /** The session this socket resumes, or null when it Identifies. */
  private final String resumeSession;
  private final GatewaySendLimiter limiter = new GatewaySendLimiter();
  private final ZlibStreamInflater inflater;
  private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
  private final Heartbeat heartbeat;
  private long helloTimer = -1;
  private long drainTimer = -1;
  private boolean helloSeen;
  private boolean stopped;
  private String lastError;
  /** The seq of the last dispatch this connection delivered, or null. */
  private Long previousSeq;

  ShardConnection(Vertx vertx, ShardOptions options, WebSocket ws, String resumeSession, Owner owner) {
    this.vertx = vertx;
    this.options = options;
    this.ws = ws;
    this.resumeSession = resumeSession;
    this.owner = owner;
    this.inflater = options.compress() ? new ZlibStreamInflater(options.maxMessageBytes()) : null;
    this.heartbeat = new Heartbeat(Heartbeat.Timers.of(vertx), this::sendHeartbeat,
        ms -> abandon(ConnectionEnd.RECONNECT, "no heartbeat ACK within " + ms + " ms (zombie connection)"));
  }

  void open() {
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(this::onBinary);
    ws.exceptionHandler(err -> {
      if (!(err instanceof io.vertx.core.http.HttpClosedException)) {
        lastError = GatewayUrls.describe(err); // reported once, with the close that follows
      }
    });
    ws.closeHandler(v -> onClosed());
    long timeout = options.helloTimeoutMs();
    helloTimer = vertx.setTimer(timeout, id -> abandon(ConnectionEnd.RECONNECT, "no Hello within " + timeout + " ms"));
  }

  /** Stops timers and pending sends; the socket itself is closed by {@link #close} or already gone. */
  void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    vertx.cancelTimer(helloTimer);
    heartbeat.stop();
    vertx.cancelTimer(drainTimer);
    if (inflater != null) {
      inflater.close();
    }
    Outgoing o;
    while ((o = queue.poll()) != null) {
      o.sent().tryFail("the gateway connection closed before the payload could be sent");
    }
  }

  Future<Void> close(short code, String reason) {
    return ws.isClosed() ? Future.succeededFuture() : ws.close(code, reason);
  }

  /**
   * Sends a payload that is not a heartbeat, within the send limit (queued when over it). One over
   * {@link #MAX_PAYLOAD_BYTES} is refused here: Discord would close the connection for it.
   */
  Future<Void> send(JsonObject payload) {
    if (stopped) {
      return Future.failedFuture("the gateway connection is closed");
    }
    String text = payload.encode();
    int bytes = text.length() > MAX_PAYLOAD_BYTES / 4 ? text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length : 0;
    if (bytes > MAX_PAYLOAD_BYTES) {
      return Future.failedFuture(new IllegalArgumentException("gateway payload (op " + payload.getValue("op") + ") of "
          + bytes + " bytes not sent: Discord accepts at most " + MAX_PAYLOAD_BYTES + " bytes"));
    }
    var out = new Outgoing(text, Promise.promise());
    queue.add(out);
    drain();
    return out.sent().future();
  }

  private void drain() {
    drainTimer = -1;
    while (!stopped && !queue.isEmpty()) {
      long now = now();
      if (!limiter.tryAcquire(now)) {
        drainTimer = vertx.setTimer(limiter.waitMs(now), id -> drain());
        return;
      }
      Outgoing o = queue.poll();
      ws.writeTextMessage(o.text()).onComplete(o.sent());
    }
  }

  // ---- heartbeats ----

  private void sendHeartbeat() {
    limiter.heartbeat(now());
    ws.writeTextMessage(new JsonObject().put("op", 1).put("d", owner.lastSeq()).encode());
  }

  // ---- from Discord ----

  private void onBinary(Buffer data) {
    if (stopped) {
      return;
    }
    if (inflater == null) {
      log.warn("shard {}: binary message without compression ignored", options.shardId());
      return;
    }
    String text;
    try {
      text = inflater.push(data);
    } catch (DataFormatException e) {
      abandon(ConnectionEnd.RECONNECT, "unreadable zlib-stream: " + e.getMessage());
      return;
    }
    if (text != null) {
      onText(text);
    }
  }

  private void onText(String text) {
    if (stopped || !owner.isCurrent(this)) {
      return;
    }
    JsonObject payload;
    try {
      payload = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      log.warn("shard {}: a gateway payload that is not a JSON object ignored ({} chars)", options.shardId(), text.length());
      return;
    }
    Integer op = payload.getValue("op") instanceof Number n ? n.intValue() : null;
    if (op == null) {
      log.warn("shard {}: a gateway payload without op ignored", options.shardId());
      return;
    }
    switch (op) {
      case 0 -> {
        Long delivered = owner.dispatch(this, payload.getString("t"), dispatchData(payload), payload.getValue("s"), previousSeq);
        previousSeq = delivered == null ? previousSeq : delivered;
      }
      case 1 -> sendHeartbeat();
      case 7 -> abandon(ConnectionEnd.RECONNECT_NOW, "Discord asked to reconnect (op 7)");
      case 9 -> abandon(Boolean.TRUE.equals(payload.getValue("d")) ? ConnectionEnd.RECONNECT_NOW
          : ConnectionEnd.IDENTIFY_LATER, "invalid session (op 9, resumable " + payload.getValue("d") + ")");
      case 10 -> onHello(payload.getValue("d") instanceof JsonObject d ? d : new JsonObject());
      case 11 -> heartbeat.acked();
      default -> log.debug("shard {}: op {} ignored", options.shardId(), op);
    }
  }

  private static JsonObject dispatchData(JsonObject payload) {
    return payload.getValue("d") instanceof JsonObject d ? d : new JsonObject();
  }

  private void onHello(JsonObject d) {
    if (helloSeen) {
      return;
    }
    helloSeen = true;
    vertx.cancelTimer(helloTimer);
    long interval = d.getValue("heartbeat_interval") instanceof Number n ? n.longValue() : 41_250;
    long heartbeatMs = Math.max(MIN_HEARTBEAT_MS, interval);
    heartbeat.start(heartbeatMs, (long) Math.floor(heartbeatMs * options.nextRandom()));
    if (resumeSession != null) {
      owner.state(ShardState.RESUMING, "resuming session " + resumeSession);
      send(new JsonObject().put("op", 6).put("d", new JsonObject()
          .put("token", options.token())
          .put("session_id", resumeSession)
          .put("seq", owner.lastSeq())));
    } else {
      owner.state(ShardState.IDENTIFYING, "waiting to identify");
      owner.identifyTurn().onComplete(this::identify);
    }
  }

  private void identify(AsyncResult<Void> granted) {
    if (stopped || !owner.isCurrent(this)) {
      return;
    }
    if (granted.failed()) {
      abandon(ConnectionEnd.REFUSED, "Identify not allowed: " + granted.cause().getMessage());
      return;
    }
    owner.state(ShardState.IDENTIFYING, "identify sent");
    send(new JsonObject().put("op", 2).put("d", new JsonObject()
        .put("token", options.token())
        .put("intents", options.intents())
        .put("properties", new JsonObject()
            .put("os", System.getProperty("os.name", "linux").toLowerCase(java.util.Locale.ROOT))
            .put("browser", "discord-bridge")
            .put("device", "discord-bridge"))
        .put("shard", new io.vertx.core.json.JsonArray().add(options.shardId()).add(options.shardCount()))));
  }

  private void onClosed() {
    if (stopped || !owner.isCurrent(this)) {
      return;
    }
    Short code = ws.closeStatusCode();
    Integer c = code == null ? null : code.intValue();
    String reason = ws.closeReason();
    String why = CloseCodes.describe(c) + (reason == null || reason.isBlank() ? "" : " \"" + clip(reason) + "\"")
        + (lastError == null ? "" : " after " + lastError);
    owner.ended(this, switch (CloseCodes.action(c)) {
      case FATAL -> ConnectionEnd.FATAL;
      case NEW_SESSION -> ConnectionEnd.NEW_SESSION;
      case RESUME -> ConnectionEnd.RECONNECT;
    }, why);
  }

  /** The bridge ends this socket (zombie, op 7, op 9, no Hello); the session is kept resumable unless Discord said otherwise. */
  private void abandon(ConnectionEnd end, String why) {
    if (stopped || !owner.isCurrent(this)) {
      return;
    }
    owner.ended(this, end, why);
    close(CloseCodes.RESUME_LATER, "reconnecting");
  }

  private static String clip(String s) {
    String clean = s.replaceAll("\\p{Cntrl}", " ");
    return clean.length() > 120 ? clean.substring(0, 120) : clean;
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }
}
