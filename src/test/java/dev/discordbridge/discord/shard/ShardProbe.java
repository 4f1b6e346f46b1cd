package dev.discordbridge.discord.shard;

import dev.discordbridge.discord.Signals;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/** A {@link ShardSession.Listener} that records every call, for tests to wait on and assert. */
public final class ShardProbe implements ShardSession.Listener {
  public record Dispatch(int shard, String type, JsonObject d, long seq, String sessionId) {}

  public record State(int shard, ShardState state, String detail) {}

  public final List<Dispatch> dispatches = new CopyOnWriteArrayList<>();
  public final List<String> resets = new CopyOnWriteArrayList<>();
  public final List<State> states = new CopyOnWriteArrayList<>();
  public final List<String> seqAnomalies = new CopyOnWriteArrayList<>();
  private final Signals signals = new Signals();

  @Override
  public void onDispatch(int shardId, String type, JsonObject d, long seq, String sessionId) {
    dispatches.add(new Dispatch(shardId, type, d, seq, sessionId));
    signals.changed();
  }

  @Override
  public void onReset(int shardId, String reason) {
    resets.add(reason);
    signals.changed();
  }

  @Override
  public void onState(int shardId, ShardState state, String detail) {
    states.add(new State(shardId, state, detail));
    signals.changed();
  }

  @Override
  public void onSeqAnomaly(int shardId, String kind) {
    seqAnomalies.add(kind);
    signals.changed();
  }

  public CompletableFuture<Void> when(BooleanSupplier condition) {
    return signals.when(condition);
  }

  public long count(String type) {
    return dispatches.stream().filter(d -> d.type().equals(type)).count();
  }

  public List<Long> seqs() {
    return dispatches.stream().map(Dispatch::seq).toList();
  }

  public boolean reached(ShardState state) {
    return states.stream().anyMatch(s -> s.state() == state);
  }

  public ShardState last() {
    return states.isEmpty() ? null : states.get(states.size() - 1).state();
  }
}
