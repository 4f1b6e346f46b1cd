package dev.discordbridge.gateway.discord;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * The Identify limits of one node: one Identify per {@code spacingMs} (Discord: 5 s) in each
 * bucket {@code shardId % maxConcurrency}, and at most {@code remaining} Identifies in all
 * (GET /gateway/bot's {@code session_start_limit.remaining}); beyond that every request is
 * refused, since going over the daily limit makes Discord reset the bot token. Requests in one
 * bucket are granted in order. State lives on the context that created the gate.
 */
public final class LocalIdentifyGate implements IdentifyGate {
  public static final long DISCORD_SPACING_MS = 5000;

  private final Vertx vertx;
  private final Context context;
  private final int maxConcurrency;
  private final long spacingMs;
  private final long[] nextFreeAt;
  private int remaining;

  public LocalIdentifyGate(Vertx vertx, int maxConcurrency, int remaining) {
    this(vertx, maxConcurrency, remaining, DISCORD_SPACING_MS);
  }

  public LocalIdentifyGate(Vertx vertx, int maxConcurrency, int remaining, long spacingMs) {
    if (maxConcurrency < 1 || remaining < 0 || spacingMs < 0) {
      throw new IllegalArgumentException("need maxConcurrency >= 1, remaining >= 0, spacingMs >= 0");
    }
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.maxConcurrency = maxConcurrency;
    this.spacingMs = spacingMs;
    this.remaining = remaining;
    this.nextFreeAt = new long[maxConcurrency];
    java.util.Arrays.fill(nextFreeAt, Long.MIN_VALUE);
  }

  @Override
  public Future<Void> acquire(int shardId) {
    Promise<Void> granted = Promise.promise();
    if (Vertx.currentContext() == context) {
      decide(shardId, granted);
    } else {
      context.runOnContext(v -> decide(shardId, granted));
    }
    return granted.future();
  }

  private void decide(int shardId, Promise<Void> granted) {
    if (shardId < 0) {
      granted.fail(new IllegalArgumentException("shard id must be >= 0, got " + shardId));
      return;
    }
    if (remaining <= 0) {
      granted.fail(new IllegalStateException("Identify refused for shard " + shardId
          + ": the day's session starts (session_start_limit.remaining) are used up; "
          + "going over would make Discord reset the bot token"));
      return;
    }
    remaining--;
    int bucket = shardId % maxConcurrency;
    long now = System.nanoTime() / 1_000_000;
    long at = Math.max(now, nextFreeAt[bucket]);
    nextFreeAt[bucket] = at + spacingMs;
    if (at <= now) {
      granted.complete();
    } else {
      vertx.setTimer(at - now, id -> granted.complete());
    }
  }
}
