package dev.discordbridge.link;

import dev.discordbridge.bus.BusFailure;

/** A command the upstream did not take (nothing was written, or the link went away before its ack). */
public final class UpstreamException extends RuntimeException {
  private final BusFailure failure;

  public UpstreamException(BusFailure failure, String message) {
    super(message, null, false, false);
    this.failure = failure;
  }

  public BusFailure failure() {
    return failure;
  }
}
