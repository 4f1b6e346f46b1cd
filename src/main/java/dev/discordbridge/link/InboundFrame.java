package dev.discordbridge.link;

import dev.discordbridge.contract.ContractViolation;
import dev.discordbridge.contract.LinkFrame;
import dev.discordbridge.contract.LinkFrames;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The one check of every text frame the hub sends: size, JSON, {@code v}, a type the bridge
 * expects from a hub, and that type's own fields, read into a typed {@link LinkFrame}. The {@code event} object itself is validated
 * later by {@link dev.discordbridge.contract.GatewayEvent#fromJson}. Failures are
 * {@link ContractViolation}s whose reason is the metric label: {@code too_large},
 * {@code bad_json}, {@code bad_version}, {@code unknown_type}, {@code bad_frame}.
 */
public final class InboundFrame {
  private InboundFrame() {}

  /** Frames above this many characters are dropped unread. */
  public static final int MAX_CHARS = 1 << 20;

  /** The frame types a hub sends; anything else is {@code unknown_type}. */
  public static final Set<String> HUB_TYPES = Set.of(LinkFrames.HELLO, LinkFrames.RESUMED,
      LinkFrames.INVALID_SESSION, LinkFrames.HEARTBEAT_ACK, LinkFrames.EVENT, LinkFrames.ACK);

  public static LinkFrame parse(String text) {
    if (text.length() > MAX_CHARS) {
      throw new ContractViolation("too_large", null, "frame of " + text.length() + " characters is above " + MAX_CHARS);
    }
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (RuntimeException e) {
      throw new ContractViolation("bad_json", null, "frame is not a JSON object");
    }
    return read(frame);
  }

  /** Validates an already-parsed frame (fallback ingestion parses its body once, as a whole). */
  public static LinkFrame read(JsonObject frame) {
    Object v = frame.getValue("v");
    if (!(v instanceof Integer i) || i != LinkFrames.VERSION) {
      throw new ContractViolation("bad_version", "v", "frame v must be " + LinkFrames.VERSION);
    }
    Object typeValue = frame.getValue("type");
    if (!(typeValue instanceof String type) || !HUB_TYPES.contains(type)) {
      throw new ContractViolation("unknown_type", "type", "unknown frame type");
    }
    return switch (type) {
      case LinkFrames.HELLO -> hello(frame);
      case LinkFrames.RESUMED -> new LinkFrame.Resumed();
      case LinkFrames.INVALID_SESSION -> new LinkFrame.InvalidSession();
      case LinkFrames.HEARTBEAT_ACK -> new LinkFrame.HeartbeatAck();
      case LinkFrames.EVENT -> event(frame);
      default -> ack(frame);
    };
  }

  private static LinkFrame.Hello hello(JsonObject frame) {
    Object session = frame.getValue("sessionId");
    if (!(session instanceof String s) || s.isEmpty() || s.length() > 256) {
      throw bad("sessionId", "hello.sessionId must be a non-empty string");
    }
    Long interval = integer(frame.getValue("heartbeatIntervalMs"));
    if (interval == null || interval <= 0) {
      throw bad("heartbeatIntervalMs", "hello.heartbeatIntervalMs must be a positive integer");
    }
    Object resumable = frame.getValue("resumable");
    if (resumable != null && !(resumable instanceof Boolean)) {
      throw bad("resumable", "hello.resumable must be a boolean");
    }
    return new LinkFrame.Hello(s, interval, Boolean.TRUE.equals(resumable));
  }

  private static LinkFrame.Event event(JsonObject frame) {
    Object seq = frame.getValue("seq");
    Long n = null;
    if (seq != null) {
      n = integer(seq);
      if (n == null || n < 0) {
        throw bad("seq", "event.seq must be a non-negative integer");
      }
    }
    return new LinkFrame.Event(n, frame.getValue("event"));
  }

  private static LinkFrame.Ack ack(JsonObject frame) {
    Object id = frame.getValue("commandId");
    if (!(id instanceof String s) || s.isEmpty() || s.length() > 128) {
      throw bad("commandId", "ack.commandId must be a non-empty string");
    }
    if (!(frame.getValue("ok") instanceof Boolean ok)) {
      throw bad("ok", "ack.ok must be a boolean");
    }
    Object result = frame.getValue("result");
    if (result != null && !(result instanceof JsonObject)) {
      throw bad("result", "ack.result must be an object");
    }
    Object error = frame.getValue("error");
    if (error != null && !(error instanceof JsonObject)) {
      throw bad("error", "ack.error must be an object");
    }
    return new LinkFrame.Ack(s, ok, (JsonObject) result, (JsonObject) error);
  }

  /** A JSON integer as a long, or null when {@code v} is not one. */
  public static Long integer(Object v) {
    if (v instanceof Integer i) {
      return i.longValue();
    }
    if (v instanceof Long l) {
      return l;
    }
    return null;
  }

  private static ContractViolation bad(String field, String message) {
    return new ContractViolation("bad_frame", field, message);
  }
}
