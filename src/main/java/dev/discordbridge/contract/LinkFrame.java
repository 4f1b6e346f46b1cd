package dev.discordbridge.contract;

import io.vertx.core.json.JsonObject;

/**
 * A frame the hub sends on the link (contract section 1), validated once when it is read
 * ({@code link.InboundFrame}); readers switch over the records and never look a field up by
 * name again. The {@code event} object of an {@link Event} is validated later, by
 * {@link GatewayEvent#fromJson}, so that its own failure reasons and trace id are kept.
 */
public sealed interface LinkFrame {

  /** The wire name of the frame type (a metric label). */
  String type();

  /** The start of a session: its id, the heartbeat period the hub wants, whether a resume is possible. */
  record Hello(String sessionId, long heartbeatIntervalMs, boolean resumable) implements LinkFrame {
    public String type() {
      return LinkFrames.HELLO;
    }
  }

  /** The end of a resume: the hub replayed everything after the resume position. */
  record Resumed() implements LinkFrame {
    public String type() {
      return LinkFrames.RESUMED;
    }
  }

  /** The session could not be resumed: a hello for a fresh one follows. */
  record InvalidSession() implements LinkFrame {
    public String type() {
      return LinkFrames.INVALID_SESSION;
    }
  }

  /** The answer to the bridge's heartbeat. */
  record HeartbeatAck() implements LinkFrame {
    public String type() {
      return LinkFrames.HEARTBEAT_ACK;
    }
  }

  /**
   * One event: {@code seq} (non-negative, or null: required on the socket, optional in fallback
   * ingestion) and the event object as sent, not yet validated.
   */
  record Event(Long seq, Object event) implements LinkFrame {
    public String type() {
      return LinkFrames.EVENT;
    }
  }

  /** The hub's answer to one command: {@code result} when ok, {@code error} (unreduced) otherwise. */
  record Ack(String commandId, boolean ok, JsonObject result, JsonObject error) implements LinkFrame {
    public String type() {
      return LinkFrames.ACK;
    }
  }
}
