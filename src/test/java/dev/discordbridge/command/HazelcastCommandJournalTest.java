package dev.discordbridge.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.testing.LoneHazelcast;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cluster's journal against a real Hazelcast member: a command a departed member accepted
 * with an Idempotency-Key is adopted with that key, so the adopter records its final answer
 * under it (the key itself lives in the cluster's idempotency map).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HazelcastCommandJournalTest {
  static HazelcastInstance hz;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    hz = LoneHazelcast.start("journal-test");
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    hz.shutdown();
  }

  @Test
  void aDepartedMembersCommandIsAdoptedWithItsIdempotencyKey() throws Exception {
    var journal = new HazelcastCommandJournal(vertx, hz);
    GatewayCommand keyed = FileCommandJournalTest.command("keyed");
    GatewayCommand plain = FileCommandJournalTest.command("plain");
    journal.record(keyed, "order-42").await(10, TimeUnit.SECONDS);
    journal.record(plain).await(10, TimeUnit.SECONDS);
    // as if the member that recorded them had left the cluster
    IMap<String, HazelcastCommandJournal.Entry> map = hz.getMap(HazelcastCommandJournal.MAP);
    String me = hz.getCluster().getLocalMember().getUuid().toString();
    for (String id : List.of(keyed.id(), plain.id())) {
      map.executeOnKey(id, new HazelcastCommandJournal.Claim(me, "a-member-that-left"));
    }

    List<CommandJournal.Kept> adopted = journal.adoptOrphans().await(10, TimeUnit.SECONDS);
    assertEquals(java.util.Set.of(new CommandJournal.Kept(keyed, "order-42"), new CommandJournal.Kept(plain, null)),
        java.util.Set.copyOf(adopted));
    adopted.forEach(k -> assertEquals(k.command().id().equals(keyed.id()) ? keyed.toJson() : plain.toJson(),
        k.command().toJson(), "the frame sent upstream has no extra field"));
  }
}
