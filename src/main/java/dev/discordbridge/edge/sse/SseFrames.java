package dev.discordbridge.edge.sse;

import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamIds;
import dev.discordbridge.contract.Times;
import io.vertx.core.buffer.Buffer;

/**
 * The bytes of the SSE stream (CONTRACT section 2). An event frame is built once per event per
 * router instance and the same {@link Frame} is written to every matching connection. Payloads
 * are single-line JSON (encoded JSON never holds a raw line break), so one {@code data:} line
 * carries them.
 *
 * <p>Frames that go through the fan-out (events, heartbeats, resets, command statuses) are
 * {@link Frame}s: chunk-framed, off-heap, shared. The few written once per stream through Vert.x's
 * response (the opening {@code retry} and {@code ready}, the final {@code shutdown}) are plain
 * buffers.
 */
final class SseFrames {
  /** Names of the stream's own frames (events carry their contract name). */
  public static final String READY = "ready";
  public static final String HEARTBEAT = "heartbeat";
  public static final String COMMAND_STATUS = "commandStatus";
  public static final String SHUTDOWN = "shutdown";
  public static final String EVICTED = "evicted";

  private SseFrames() {}

  private static final Buffer READY_RESUMED = Buffer.buffer("event: ready\ndata: {\"resumed\":true}\n\n");
  private static final Buffer READY_FRESH = Buffer.buffer("event: ready\ndata: {\"resumed\":false}\n\n");

  /** {@code id: <stream id>\nevent: <name>\ndata: <json>\n\n}. */
  static Frame event(StreamEvent e) {
    return Frame.of(text(e.streamIdText(), e.name(), e.json()));
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
  static Frame reset(long resumeId, String json) {
    return Frame.of(text(resumeId >= 0 ? StreamIds.format(resumeId) : null, StreamEvent.RESET_NAME, json));
  }

  static Frame heartbeat(long nowMillis) {
    return Frame.of(text(null, HEARTBEAT, "{\"ts\":\"" + Times.format(nowMillis) + "\"}"));
  }

  /**
   * The last frame of a stream whose node is stopping: a short {@code retry} (the browser
   * reconnects, through the load balancer, to a node that stays up, after that long) and an event
   * {@code shutdown} without an id (the client's resume position does not move).
   */
  public static Buffer shutdown(long retryMs) {
    return Buffer.buffer("retry: " + retryMs + "\n\n" + text(null, SHUTDOWN, "{\"reason\":\"node_shutdown\",\"retryMs\":" + retryMs + "}"));
  }

  /**
   * The last frame of a stream ended because its user opened more than {@code max} streams on this
   * node: an event {@code evicted} without an id (a client that reconnects resumes where it was).
   */
  public static Buffer evicted(int max) {
    return Buffer.buffer(text(null, EVICTED, "{\"reason\":\"too_many_streams\",\"max\":" + max
        + ",\"setting\":\"SSE_MAX_STREAMS_PER_USER\"}"));
  }

  /** A live-only event without an id (it must not move the client's resume position). */
  static Frame unnumbered(String name, String json) {
    return Frame.of(text(null, name, json));
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
