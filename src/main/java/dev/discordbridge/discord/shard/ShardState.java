package dev.discordbridge.discord.shard;

/** Where a {@link ShardSession} stands, as its listener is told. */
public enum ShardState {
  /** Opening a WebSocket to Discord. */
  CONNECTING,
  /** Hello received; waiting for the Identify gate, or Identify sent and READY not yet received. */
  IDENTIFYING,
  /** Resume sent; Discord is replaying, RESUMED not yet received. */
  RESUMING,
  /** READY or RESUMED received: dispatches flow live. */
  READY,
  /** Waiting before the next connection attempt. */
  BACKOFF,
  /** Discord refused the session for good (a fatal close code): no more reconnects. */
  FAILED,
  /** Not started, or stopped by its owner. */
  STOPPED
}
