package dev.discordbridge.stream;

import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamIds;
import dev.discordbridge.contract.Times;
import io.vertx.core.buffer.Buffer;

/**
 * The bytes of the SSE stream (CONTRACT section 2). An event frame is built once per event per
 * router instance and the same {@link Buffer} is written to every matching connection. Payloads
 * are single-line JSON (encoded JSON never holds a raw line break), so one {@code data:} line
 * carries them.
 */
public final class SseFrames {
  private SseFrames() {}

  public static final String READY = "ready";
  public static final String HEARTBEAT = "heartbeat";
  public static final String COMMAND_STATUS = "commandStatus";

  private static final Buffer READY_RESUMED = Buffer.buffer("event: ready\ndata: {\"resumed\":true}\n\n");
  private static final Buffer READY_FRESH = Buffer.buffer("event: ready\ndata: {\"resumed\":false}\n\n");

  /** {@code id: <stream id>\nevent: <name>\ndata: <json>\n\n}. */
  public static Buffer event(StreamEvent e) {
    return Buffer.buffer(text(e.streamIdText(), e.name(), e.json()));
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
    return Buffer.buffer(text(null, HEARTBEAT, "{\"ts\":\"" + Times.format(nowMillis) + "\"}"));
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
