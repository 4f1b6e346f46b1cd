package dev.discordbridge.discord.shard;

import dev.discordbridge.discord.rest.GatewayBot;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;

/**
 * The Identify limits of a node on its own ({@link PacedIdentifyGate}) with its slots and count in memory:
 * requests in one bucket are granted in order, {@code spacingMs} apart.
 */
public final class LocalIdentifyGate extends PacedIdentifyGate {

  public LocalIdentifyGate(Vertx vertx, int maxConcurrency, int remaining) {
    this(vertx, maxConcurrency, remaining, DISCORD_SPACING_MS);
  }

  public LocalIdentifyGate(Vertx vertx, int maxConcurrency, int remaining, long spacingMs) {
    super(vertx, maxConcurrency, remaining, spacingMs, new MemoryPacer());
  }

  /** The budget {@code first} gives, read again through {@code reread} when it may have reset or runs low. */
  public LocalIdentifyGate(Vertx vertx, GatewayBot.SessionStartLimit first,
                           java.util.function.Supplier<Future<GatewayBot.SessionStartLimit>> reread, long spacingMs) {
    super(vertx, first.maxConcurrency(), first, spacingMs, new MemoryPacer(), new MemoryBudget(), reread);
  }

  /** The next free time of each key; called on the gate's context only. */
  private static final class MemoryPacer implements Pacer {
    private final Map<String, Long> nextFreeAt = new HashMap<>();

    @Override
    public Future<Long> reserve(String key, long spacingMs) {
      long now = System.nanoTime() / 1_000_000;
      long at = Math.max(now, nextFreeAt.getOrDefault(key, Long.MIN_VALUE));
      nextFreeAt.put(key, at + spacingMs);
      return Future.succeededFuture(at - now);
    }
  }
}
