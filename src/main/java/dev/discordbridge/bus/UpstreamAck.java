package dev.discordbridge.bus;

import io.vertx.core.json.JsonObject;

/**
 * The reply of {@code bridge.gateway.command}: the upstream's ack of one command, either
 * {@code ok} with the upstream's {@code result} (an object, never null) or a refusal with its
 * {@link UpstreamError}. Failures before the command reached the upstream are {@link BusFailure}s.
 */
public record UpstreamAck(boolean ok, JsonObject result, UpstreamError error) {
  /**
   * The error code of a command aimed at a channel that is not one of its guild's (direct mode
   * refuses it before sending); the command API answers it 403 {@code FORBIDDEN} with this reason.
   */
  public static final String CHANNEL_NOT_IN_GUILD = "CHANNEL_NOT_IN_GUILD";
  /** The caller lacks a Discord permission in the channel (direct mode, contract section 9); 403 with {@code permission}. */
  public static final String MISSING_PERMISSION = "MISSING_PERMISSION";
  /** The bot lacks a Discord permission in the channel (direct mode, contract section 9); 403 with {@code permission}. */
  public static final String BOT_MISSING_PERMISSION = "BOT_MISSING_PERMISSION";

  public UpstreamAck {
    if (ok && error != null || !ok && error == null) {
      throw new IllegalArgumentException("an ack has a result when ok, an error otherwise");
    }
    result = ok && result == null ? new JsonObject() : result;
  }

  public static UpstreamAck delivered(JsonObject result) {
    return new UpstreamAck(true, result, null);
  }

  public static UpstreamAck refused(UpstreamError error) {
    return new UpstreamAck(false, null, error);
  }

  /**
   * The upstream's error, reduced to the contract's fields, plus (direct mode's permission refusals
   * only) the Discord {@code permission} that is missing.
   */
  public record UpstreamError(String code, String message, boolean retryable, Long retryAfterMs, String permission) {
    @com.fasterxml.jackson.annotation.JsonCreator
    public UpstreamError {
      if (code == null || code.isBlank()) {
        throw new IllegalArgumentException("error code is required");
      }
      message = message == null ? "" : message;
      if (retryAfterMs != null && retryAfterMs < 0) {
        throw new IllegalArgumentException("retryAfterMs must not be negative");
      }
    }

    public UpstreamError(String code, String message, boolean retryable, Long retryAfterMs) {
      this(code, message, retryable, retryAfterMs, null);
    }

    /** The contract's error object, {@code {code, message, retryable, retryAfterMs}} (and {@code permission} when set). */
    public JsonObject toJson() {
      JsonObject o = new JsonObject().put("code", code).put("message", message).put("retryable", retryable)
          .put("retryAfterMs", retryAfterMs);
      if (permission != null) {
        o.put("permission", permission);
      }
      return o;
    }
  }
}
