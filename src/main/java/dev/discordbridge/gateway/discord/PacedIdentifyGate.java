package dev.discordbridge.gateway.discord;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Discord's Identify limits: one Identify per {@code spacingMs} (Discord: 5 s; the bridge keeps 5.5 s) in each bucket
 * {@code shardId % max_concurrency}, and at most {@code remaining} Identifies in all (GET
 * /gateway/bot's {@code session_start_limit.remaining}); beyond that every request is refused,
 * since going over the daily limit makes Discord reset the bot token. Where the slots are kept
 * is the {@link Pacer}'s business: in memory on a node alone ({@link LocalIdentifyGate}), a
 * Hazelcast map shared by every node in a cluster. The count lives on the context that created
 * the gate.
 */
public class PacedIdentifyGate implements IdentifyGate {
  /** Reserves the next slot of a key; the answer is how long to wait until it starts. */
  @FunctionalInterface
  public interface Pacer {
    Future<Long> reserve(String key, long spacingMs);
  }

  /** Discord's window: {@code max_concurrency} Identifies per 5 s. */
  public static final long DISCORD_WINDOW_MS = 5000;
  /**
   * What the bridge keeps between two Identifies of a bucket: Discord's 5 s plus a margin, since a
   * slot is measured when it is granted, and the payload reaches Discord a little later, by an
   * amount that varies (a busy event loop, the send queue, the network). Without it two nodes'
   * Identifies arrived 4.8 to 5.0 s apart and Discord refused the second with op 9.
   */
  public static final long DISCORD_SPACING_MS = DISCORD_WINDOW_MS + 500;

  private final Vertx vertx;
  private final Context context;
  private final int maxConcurrency;
  private final long spacingMs;
  private final Pacer pacer;
  private int remaining;

  public PacedIdentifyGate(Vertx vertx, int maxConcurrency, int remaining, long spacingMs, Pacer pacer) {
    if (maxConcurrency < 1 || remaining < 0 || spacingMs < 0) {
      throw new IllegalArgumentException("need maxConcurrency >= 1, remaining >= 0, spacingMs >= 0");
    }
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.maxConcurrency = maxConcurrency;
    this.remaining = remaining;
    this.spacingMs = spacingMs;
    this.pacer = pacer;
  }

  @Override
  public Future<Void> acquire(int shardId) {
    if (Vertx.currentContext() == context) {
      return decide(shardId);
    }
    Promise<Void> granted = Promise.promise();
    context.runOnContext(v -> decide(shardId).onComplete(granted));
    return granted.future();
  }

  private Future<Void> decide(int shardId) {
    if (shardId < 0) {
      return Future.failedFuture(new IllegalArgumentException("shard id must be >= 0, got " + shardId));
    }
    if (remaining <= 0) {
      return Future.failedFuture(new IllegalStateException("Identify refused for shard " + shardId
          + ": the day's session starts (session_start_limit.remaining) are used up; "
          + "going over would make Discord reset the bot token"));
    }
    remaining--;
    return pacer.reserve("identify-" + (shardId % maxConcurrency), spacingMs).compose(wait -> {
      if (wait <= 0) {
        return Future.succeededFuture();
      }
      Promise<Void> p = Promise.promise();
      vertx.setTimer(wait, id -> p.complete());
      return p.future();
    });
  }
}
