package dev.discordbridge.discord.shard;

import dev.discordbridge.discord.rest.GatewayBot;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discord's Identify limits: one Identify per {@code spacingMs} (Discord: 5 s; the bridge keeps 5.5 s) in each bucket
 * {@code shardId % max_concurrency}, and at most {@code remaining} Identifies in all (GET
 * /gateway/bot's {@code session_start_limit.remaining}); beyond that every request is refused,
 * since going over the daily limit makes Discord reset the bot token. The count is read again
 * from {@code GET /gateway/bot} once {@code reset_after} has passed and before the last
 * {@link #REREAD_BELOW} are spent; in a cluster it is one count for every node. Where the slots are kept
 * is the {@link Pacer}'s business: in memory on a node alone ({@link LocalIdentifyGate}), a
 * Hazelcast map shared by every node in a cluster. The count lives on the context that created
 * the gate.
 */
public class PacedIdentifyGate implements IdentifyGate {
  private static final Logger log = LoggerFactory.getLogger(PacedIdentifyGate.class);

  /** Reserves the next slot of a key; the answer is how long to wait until it starts. */
  @FunctionalInterface
  public interface Pacer {
    Future<Long> reserve(String key, long spacingMs);
  }

  /** Where the day's count is kept: in memory on a node alone, in Hazelcast for a cluster (one count for all nodes). */
  public interface Budget {
    /** Takes one start when more than {@code keep} are left and the count is valid at {@code now}; answers the starts left, or -1. */
    Future<Integer> take(int keep, long now);

    /** Discord's count read at {@code now} ({@link SessionBudget#merge}). */
    Future<Void> set(int remaining, long resetAt, long now);
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
  /** The last starts are spent only after GET /gateway/bot confirmed them. */
  public static final int REREAD_BELOW = 10;

  private final Vertx vertx;
  private final Context context;
  private final int maxConcurrency;
  private final long spacingMs;
  private final Pacer pacer;
  private final Budget budget;
  private final Supplier<Future<GatewayBot.SessionStartLimit>> reread;
  private final Future<Void> known;

  /**
   * @param first the count {@code GET /gateway/bot} gave at start-up
   * @param reread reads {@code session_start_limit} again (null: never; the count then only goes down)
   */
  public PacedIdentifyGate(Vertx vertx, int maxConcurrency, GatewayBot.SessionStartLimit first, long spacingMs, Pacer pacer,
                           Budget budget, Supplier<Future<GatewayBot.SessionStartLimit>> reread) {
    if (maxConcurrency < 1 || spacingMs < 0) {
      throw new IllegalArgumentException("need maxConcurrency >= 1, spacingMs >= 0");
    }
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.maxConcurrency = maxConcurrency;
    this.spacingMs = spacingMs;
    this.pacer = pacer;
    this.budget = budget;
    this.reread = reread;
    long now = System.currentTimeMillis();
    this.known = budget.set(first.remaining(), resetAt(first, now), now);
  }

  /** A budget that is never read again: {@code remaining} starts, then refusals. */
  public PacedIdentifyGate(Vertx vertx, int maxConcurrency, int remaining, long spacingMs, Pacer pacer) {
    this(vertx, maxConcurrency, new GatewayBot.SessionStartLimit(remaining, Math.max(0, remaining), Long.MAX_VALUE / 4, maxConcurrency),
        spacingMs, pacer, new MemoryBudget(), null);
  }

  private static long resetAt(GatewayBot.SessionStartLimit l, long now) {
    return l.resetAfterMs() >= Long.MAX_VALUE / 4 ? Long.MAX_VALUE : now + l.resetAfterMs();
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
    return known.transform(ignored -> budget.take(reread == null ? 0 : REREAD_BELOW, System.currentTimeMillis()))
        .compose(left -> left >= 0 ? Future.succeededFuture() : rereadAndTake(shardId))
        .compose(v -> pacer.reserve("identify-" + (shardId % maxConcurrency), spacingMs))
        .compose(wait -> {
          if (wait <= 0) {
            return Future.succeededFuture();
          }
          Promise<Void> p = Promise.promise();
          vertx.setTimer(wait, id -> p.complete());
          return p.future();
        });
  }

  /** The count may have reset, or only the last few are left: ask Discord, then spend down to zero. */
  private Future<Void> rereadAndTake(int shardId) {
    Future<GatewayBot.SessionStartLimit> read = reread == null
        ? Future.failedFuture("no way to read it again") : reread.get();
    long[] resetsIn = {-1};
    return read.compose(l -> {
      long now = System.currentTimeMillis();
      resetsIn[0] = l.resetAfterMs();
      log.info("Identify budget read again from GET /gateway/bot: {} of {} session starts left, reset in {} s",
          l.remaining(), l.total(), l.resetAfterMs() / 1000);
      return budget.set(l.remaining(), resetAt(l, now), now);
    }).recover(err -> {
      log.warn("could not read the Identify budget again ({}); using the last count known", err.getMessage());
      return Future.succeededFuture();
    }).compose(v -> budget.take(0, System.currentTimeMillis())).compose(left -> left >= 0 ? Future.succeededFuture()
        : Future.failedFuture(new IllegalStateException("Identify refused for shard " + shardId
            + ": the day's session starts (session_start_limit.remaining) are used up"
            + (resetsIn[0] >= 0 ? " (Discord resets them in " + resetsIn[0] / 1000 + " s)" : " (resets in an unknown time)")
            + "; going over would make Discord reset the bot token")));
  }

  /** The count in memory, on the gate's context (a node alone). */
  public static final class MemoryBudget implements Budget {
    private SessionBudget current;

    @Override
    public synchronized Future<Integer> take(int keep, long now) {
      SessionBudget next = current == null ? null : current.take(keep, now);
      if (next == null) {
        return Future.succeededFuture(-1);
      }
      current = next;
      return Future.succeededFuture(next.remaining());
    }

    @Override
    public synchronized Future<Void> set(int remaining, long resetAt, long now) {
      current = SessionBudget.merge(current, remaining, resetAt, now);
      return Future.succeededFuture();
    }
  }
}
