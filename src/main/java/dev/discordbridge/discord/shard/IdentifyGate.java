package dev.discordbridge.discord.shard;

import io.vertx.core.Future;

/**
 * Permission to send one Identify. Discord allows {@code max_concurrency} Identifies per 5 s
 * (bucket {@code shard_id % max_concurrency}) and a daily number of session starts; going
 * over costs an op 9 at best and a reset token at worst. One node uses {@link LocalIdentifyGate};
 * a cluster shares one gate implemented elsewhere.
 */
public interface IdentifyGate {

  /**
   * Completes when shard {@code shardId} may send its Identify now; fails (with a message that
   * says why) when it must not, e.g. the day's session starts are used up.
   */
  Future<Void> acquire(int shardId);
}
