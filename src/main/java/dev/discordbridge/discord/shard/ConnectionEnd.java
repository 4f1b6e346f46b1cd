package dev.discordbridge.discord.shard;

/** How a {@link ShardConnection} ended, hence what its {@link ShardSession} does next. */
enum ConnectionEnd {
  /** Reconnect after backoff; resume when a session exists. */
  RECONNECT,
  /** Reconnect at once (op 7, op 9 true); resume when a session exists. */
  RECONNECT_NOW,
  /** The session is gone (4007, 4009): Identify a new one after backoff. */
  NEW_SESSION,
  /** op 9 false: Identify a new one after a random 1-5 s, on the gateway URL. */
  IDENTIFY_LATER,
  /** The Identify gate said no: try again after the longest backoff. */
  REFUSED,
  /** A fatal close code: no more reconnects. */
  FATAL
}
