package dev.discordbridge.contract;

import io.vertx.core.json.JsonObject;

/** Frame types and builders of the upstream link (contract section 1). Every frame has {@code "v": 1}. */
public final class LinkFrames {
  private LinkFrames() {}

  public static final int VERSION = 1;

  public static final String HELLO = "hello";
  public static final String RESUME = "resume";
  public static final String RESUMED = "resumed";
  public static final String INVALID_SESSION = "invalidSession";
  public static final String HEARTBEAT = "heartbeat";
  public static final String HEARTBEAT_ACK = "heartbeatAck";
  public static final String EVENT = "event";
  public static final String COMMAND = "command";
  public static final String ACK = "ack";

  /** Close code a hub uses for a bad link token. */
  public static final int CLOSE_AUTH_FAILED = 4004;

  public static JsonObject frame(String type) {
    return new JsonObject().put("v", VERSION).put("type", type);
  }

  public static JsonObject heartbeat(Long seq) {
    return frame(HEARTBEAT).put("seq", seq);
  }

  public static JsonObject resume(String sessionId, Long seq) {
    return frame(RESUME).put("sessionId", sessionId).put("seq", seq);
  }

  public static JsonObject command(GatewayCommand c) {
    return frame(COMMAND).put("command", c.toJson());
  }

  public static JsonObject hello(String sessionId, long heartbeatIntervalMs, boolean resumable) {
    return frame(HELLO).put("sessionId", sessionId).put("heartbeatIntervalMs", heartbeatIntervalMs)
        .put("resumable", resumable);
  }

  public static JsonObject event(long seq, JsonObject event) {
    return frame(EVENT).put("seq", seq).put("event", event);
  }

  public static JsonObject ackOk(String commandId, JsonObject result) {
    return frame(ACK).put("commandId", commandId).put("ok", true).put("result", result);
  }

  public static JsonObject ackError(String commandId, String code, String message, boolean retryable, Long retryAfterMs) {
    return frame(ACK).put("commandId", commandId).put("ok", false).put("error", new JsonObject()
        .put("code", code).put("message", message).put("retryable", retryable).put("retryAfterMs", retryAfterMs));
  }
}
