package dev.discordbridge.stream;

import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamIds;
import dev.discordbridge.contract.Times;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of the SSE stream (CONTRACT section 2). An event frame is built once per event per
 * router instance and the same {@link Buffer} is written to every matching connection. Payloads
 * are single-line JSON (encoded JSON never holds a raw line break), so one {@code data:} line
 * carries them.
 *
 * <p>Frames written to many sockets (events, heartbeats) live in off-heap memory that the GC frees
 * (a JDK direct {@link ByteBuffer}), wrapped unreleasable: Netty writes them to every
 * socket as they are, without the copy into a direct buffer that a heap buffer costs per write, and
 * no write can free them while the replay window still holds them.
 */
public final class SseFrames {
  /** Names of the stream's own frames (events carry their contract name). */
  public static final String READY = "ready";
  public static final String HEARTBEAT = "heartbeat";
  public static final String COMMAND_STATUS = "commandStatus";
  public static final String SHUTDOWN = "shutdown";

  private SseFrames() {}

  private static final Buffer READY_RESUMED = Buffer.buffer("event: ready\ndata: {\"resumed\":true}\n\n");
  private static final Buffer READY_FRESH = Buffer.buffer("event: ready\ndata: {\"resumed\":false}\n\n");

  /** {@code id: <stream id>\nevent: <name>\ndata: <json>\n\n}. */
  public static Buffer event(StreamEvent e) {
    return shared(text(e.streamIdText(), e.name(), e.json()));
  }

  /** An immutable off-heap frame, shared by every connection it is written to. */
  static Buffer shared(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    return VertxInternals.buffer(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct)));
  }

  public static Buffer retry(long millis) {
    return Buffer.buffer("retry: " + millis + "\n\n");
  }

  public static Buffer ready(boolean resumed) {
    return resumed ? READY_RESUMED : READY_FRESH;
  }

  /**
   * A reset: the client must refetch its state. It carries {@code id: <resumeId>} when known, so
   * that the client's next reconnect resumes from there rather than being reset again.
   */
  public static Buffer reset(long resumeId, String json) {
    return Buffer.buffer(text(resumeId >= 0 ? StreamIds.format(resumeId) : null, StreamEvent.RESET_NAME, json));
  }

  public static Buffer heartbeat(long nowMillis) {
    return shared(text(null, HEARTBEAT, "{\"ts\":\"" + Times.format(nowMillis) + "\"}"));
  }

  /**
   * The last frame of a stream whose node is stopping: a short {@code retry} (the browser
   * reconnects, through the load balancer, to a node that stays up, after that long) and an event
   * {@code shutdown} without an id (the client's resume position does not move).
   */
  public static Buffer shutdown(long retryMs) {
    return Buffer.buffer("retry: " + retryMs + "\n\n" + text(null, SHUTDOWN, "{\"reason\":\"node_shutdown\",\"retryMs\":" + retryMs + "}"));
  }

  /** A live-only event without an id (it must not move the client's resume position). */
  public static Buffer unnumbered(String name, String json) {
    return Buffer.buffer(text(null, name, json));
  }

  static String text(String id, String name, String json) {
    StringBuilder sb = new StringBuilder(json.length() + name.length() + 40);
    if (id != null) {
      sb.append("id: ").append(id).append('\n');
    }
    sb.append("event: ").append(name).append('\n');
    sb.append("data: ").append(json).append("\n\n");
    return sb.toString();
  }
}
