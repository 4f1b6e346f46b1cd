package dev.discordbridge.command;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.discordbridge.contract.GatewayCommand;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * The command journal on a Hazelcast map (two synchronous backups, set in cluster.ClusterSetup): entry = command + the member
 * that owns it. When a member leaves, the survivors scan the map and claim that member's
 * commands with an entry processor (compare-and-set on the owner), so each is adopted once.
 */
public final class HazelcastCommandJournal implements CommandJournal {
  public static final String MAP = "bridge.commands.pending";
  /**
   * The command's frame, with the request's Idempotency-Key beside it (a field members of earlier
   * versions ignore), so that the member that adopts it records its final answer under the key.
   */
  static final String KEY_FIELD = "idempotencyKey";
  /** A full scan now and then, in case a membership event was missed (e.g. during our own join). */
  private static final long FULL_SCAN_EVERY_MS = 30_000;

  record Entry(String owner, long acceptedAt, String command) implements Serializable {}

  /** Sets the owner to {@code claimer} if it still is {@code dead}; returns the entry claimed, or null. */
  record Claim(String dead, String claimer) implements EntryProcessor<String, Entry, Entry> {
    @Override
    public Entry process(Map.Entry<String, Entry> e) {
      Entry v = e.getValue();
      if (v == null || !v.owner().equals(dead)) {
        return null;
      }
      Entry mine = new Entry(claimer, v.acceptedAt(), v.command());
      e.setValue(mine);
      return mine;
    }
  }

  private final Vertx vertx;
  private final HazelcastInstance hazelcast;
  private final IMap<String, Entry> map;
  private final String me;
  private final AtomicBoolean membersLeft = new AtomicBoolean(true);
  private volatile long lastFullScan;

  public HazelcastCommandJournal(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.hazelcast = hazelcast;
    this.map = hazelcast.getMap(MAP);
    this.me = hazelcast.getCluster().getLocalMember().getUuid().toString();
    hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        membersLeft.set(true);
      }
    });
  }

  @Override
  public Future<Void> record(GatewayCommand command) {
    return record(command, null);
  }

  @Override
  public Future<Void> record(GatewayCommand command, String idempotencyKey) {
    JsonObject json = command.toJson();
    if (idempotencyKey != null) {
      json.put(KEY_FIELD, idempotencyKey);
    }
    return Future.fromCompletionStage(map.setAsync(command.id(),
        new Entry(me, System.currentTimeMillis(), json.encode())), vertx.getOrCreateContext());
  }

  @Override
  public String keptIn() {
    return "the cluster map " + MAP + " (a surviving member adopts them)";
  }

  @Override
  public void forget(String commandId) {
    map.removeAsync(commandId);
  }

  @Override
  public Future<List<Kept>> adoptOrphans() {
    long now = System.currentTimeMillis();
    boolean due = now - lastFullScan >= FULL_SCAN_EVERY_MS;
    if (!membersLeft.getAndSet(false) && !due) {
      return Future.succeededFuture(List.of());
    }
    lastFullScan = now;
    return vertx.executeBlocking(() -> {
      Set<String> live = hazelcast.getCluster().getMembers().stream().map(Member::getUuid).map(Object::toString)
          .collect(Collectors.toSet());
      List<Entry> adopted = new ArrayList<>();
      for (Map.Entry<String, Entry> e : map.entrySet()) {
        String owner = e.getValue().owner();
        if (!live.contains(owner)) {
          Entry claimed = map.executeOnKey(e.getKey(), new Claim(owner, me));
          if (claimed != null) {
            adopted.add(claimed);
          }
        }
      }
      adopted.sort(Comparator.comparingLong(Entry::acceptedAt));
      return adopted.stream().map(a -> {
        JsonObject json = new JsonObject(a.command());
        return new Kept(GatewayCommand.fromJson(json), json.getValue(KEY_FIELD) instanceof String k ? k : null);
      }).toList();
    }, false);
  }
}
