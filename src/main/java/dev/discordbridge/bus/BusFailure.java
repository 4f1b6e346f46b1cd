package dev.discordbridge.bus;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Typed failure codes of the bus protocol: a consumer that cannot produce an outcome record
 * fails the message with one of these ({@link #fail}); the caller reads it back with
 * {@link #of}. Codes are small positive numbers, never HTTP status codes; the edge alone maps
 * them to HTTP.
 */
public enum BusFailure {
  /** {@code bridge.gateway.command}: no usable upstream link; the command was not written. */
  LINK_DOWN(1),
  /** {@code bridge.gateway.command}: the request is not a command (id and name are required). */
  BAD_COMMAND(2),
  /**
   * {@code bridge.command.drain}: the store behind the answer (the command journal) failed;
   * nothing was decided.
   */
  STORE_UNAVAILABLE(3);

  private final int code;

  BusFailure(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** Fails {@code m} with this code; the failure message starts with the code's name. */
  public void fail(Message<?> m, String detail) {
    m.fail(code, detail == null || detail.isEmpty() ? name() : name() + ": " + detail);
  }

  /** The code a consumer failed with, or null for any other failure (timeout, no handler, a bug). */
  public static BusFailure of(Throwable failure) {
    if (failure instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      for (BusFailure f : values()) {
        if (f.code == re.failureCode()) {
          return f;
        }
      }
    }
    return null;
  }
}
