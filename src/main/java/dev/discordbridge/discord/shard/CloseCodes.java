package dev.discordbridge.discord.shard;

/**
 * Gateway close codes (Discord's opcodes-and-status-codes, "Gateway Close Event Codes") and what
 * a shard does after each. Codes 4000-4014 are Discord's; {@link #RESUME_LATER} is the bridge's
 * own, chosen outside Discord's list, for every close the bridge makes while it means to resume
 * (zombie link, op 7, op 9 true, Hello timeout, a stop that keeps the session). Any code but
 * 1000/1001 keeps a Discord session resumable.
 */
public final class CloseCodes {
  private CloseCodes() {}

  /** Closes the socket but keeps the session resumable (the bridge's own code). */
  public static final short RESUME_LATER = 4900;
  /** Ends the session on Discord's side (the bot appears offline). */
  public static final short NORMAL = 1000;

  public static final int UNKNOWN_ERROR = 4000;
  public static final int AUTHENTICATION_FAILED = 4004;
  public static final int INVALID_SEQ = 4007;
  public static final int RATE_LIMITED = 4008;
  public static final int SESSION_TIMED_OUT = 4009;
  public static final int INVALID_SHARD = 4010;
  public static final int SHARDING_REQUIRED = 4011;
  public static final int INVALID_API_VERSION = 4012;
  public static final int INVALID_INTENTS = 4013;
  public static final int DISALLOWED_INTENTS = 4014;

  /** What a shard does after Discord closed its socket. */
  public enum Action {
    /** Reconnect (after backoff) and resume the session. */
    RESUME,
    /** Reconnect and Identify a new session: events may have been lost. */
    NEW_SESSION,
    /** Stop: reconnecting cannot succeed until an operator changes something. */
    FATAL
  }

  /** @param code the close code, or null when the connection dropped without a close frame */
  public static Action action(Integer code) {
    if (code == null) {
      return Action.RESUME;
    }
    return switch (code) {
      case AUTHENTICATION_FAILED, INVALID_SHARD, SHARDING_REQUIRED, INVALID_API_VERSION,
          INVALID_INTENTS, DISALLOWED_INTENTS -> Action.FATAL;
      // Discord ends a session it closes with 1000 (as one a client closes with 1000/1001): it cannot be resumed.
      case 1000, INVALID_SEQ, SESSION_TIMED_OUT -> Action.NEW_SESSION;
      default -> Action.RESUME;
    };
  }

  /** A sentence an operator can act on, for the fatal codes; a short label for the others. */
  public static String describe(Integer code) {
    if (code == null) {
      return "connection dropped without a close frame";
    }
    return switch (code) {
      case AUTHENTICATION_FAILED -> "4004 authentication failed: DISCORD_BOT_TOKEN is wrong or was reset";
      case INVALID_SHARD -> "4010 invalid shard: the shard id or count is wrong (check DISCORD_SHARDS)";
      case SHARDING_REQUIRED -> "4011 sharding required: too many guilds for this shard count (raise DISCORD_SHARDS)";
      case INVALID_API_VERSION -> "4012 invalid API version: the gateway does not accept v=10";
      case INVALID_INTENTS -> "4013 invalid intents: the intents value is not a valid bit set";
      case DISALLOWED_INTENTS -> "4014 disallowed intents: enable the Message Content intent "
          + "(and any other privileged intent requested) in the Developer Portal";
      case 1000 -> "1000 normal close: Discord ended the session, a new one starts";
      case INVALID_SEQ -> "4007 invalid seq: the session must start over";
      case SESSION_TIMED_OUT -> "4009 session timed out: the session must start over";
      case RATE_LIMITED -> "4008 rate limited: the bridge sent too many payloads";
      case 4900 -> "4900 closed by the bridge to resume";
      default -> "close " + code;
    };
  }
}
