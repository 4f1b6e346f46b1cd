package dev.discordbridge.config;

/**
 * The one timeout budget of a command POST, derived from {@code COMMAND_ACK_WAIT_MS}: every stage on
 * a command's way takes its share from here, nowhere else (docs/architecture.md, "The command path").
 *
 * <ul>
 *   <li>{@link #answerMs}: the dispatcher answers within this many ms of the POST's arrival. It waits
 *       for the hub's ack until {@code COMMAND_ACK_WAIT_MS} (200/422), then answers 202
 *       {@code queued}; the command goes on in the background.
 *   <li>{@link #storesMs}: the side checks before a command is accepted (the Idempotency-Key claim,
 *       the rate-limit buckets, the journal write) must be done by this many ms after the POST,
 *       else the command is refused 503 {@code SERVICE_UNAVAILABLE} (nothing accepted, the key
 *       freed). It is {@code COMMAND_ACK_WAIT_MS} with a floor of {@value #STORES_FLOOR_MS} ms, so
 *       that a short ack wait does not starve a cluster-wide store.
 *   <li>{@link #edgeWaitMs}: the edge waits this long for the dispatcher's answer, then answers 504
 *       {@code TIMEOUT}; the dispatcher only misses it when it is stuck.
 * </ul>
 * A hub attempt has its own {@code COMMAND_ATTEMPT_TIMEOUT_MS}: it runs in the background and is
 * not part of the POST's answer.
 */
public record CommandBudget(long ackWaitMs, long storesMs, long answerMs, long edgeWaitMs) {
  /** The least time the side checks get, whatever the ack wait. */
  public static final long STORES_FLOOR_MS = 1_000;
  /** What the edge allows past the dispatcher's own deadline (a busy event loop, the bus). */
  public static final long EDGE_GRACE_MS = 1_000;

  public static CommandBudget of(long ackWaitMs) {
    long stores = Math.max(STORES_FLOOR_MS, ackWaitMs);
    long answer = Math.max(stores, ackWaitMs);
    return new CommandBudget(ackWaitMs, stores, answer, answer + EDGE_GRACE_MS);
  }
}
