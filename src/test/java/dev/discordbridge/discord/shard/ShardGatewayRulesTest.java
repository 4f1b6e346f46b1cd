package dev.discordbridge.discord.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Discord's gateway rules the shard keeps: a 1000 close ends the session, the 4096-byte payload limit, Identify pacing. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 40, timeUnit = TimeUnit.SECONDS)
class ShardGatewayRulesTest extends ShardTestSupport {

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    startFake(vertx);
  }

  @Test
  void a1000CloseFromDiscordStartsANewSessionWithAReset() throws Exception {
    var probe = new ShardProbe();
    ready(options(), probe);
    String first = probe.dispatches.get(0).sessionId();
    await(fake.closeShard(0, 1000));
    await(probe.when(() -> probe.count("READY") == 2 || probe.count("RESUMED") > 0 || fake.received(6).size() > 0));
    assertEquals(0, fake.received(6).size(), "no Resume after 1000: Discord ended the session");
    assertEquals(2, fake.received(2).size());
    assertEquals(1, probe.resets.size());
    assertTrue(probe.resets.get(0).contains(first), probe.resets.toString());
  }

  @Test
  void aPayloadOver4096BytesIsRefusedBeforeSending() throws Exception {
    var probe = new ShardProbe();
    var s = ready(options(), probe);
    String big = "x".repeat(5000);
    var e = assertThrows(ExecutionException.class, () -> await(s.send(3, new JsonObject().put("status", big)))).getCause();
    assertTrue(e.getMessage().contains("4096"), e.getMessage());
    await(s.send(3, new JsonObject().put("status", "online"))); // a small one still goes, on the same connection
    await(fake.when(() -> fake.received(3).size() == 1));
    assertEquals(0, fake.oversized());
    assertEquals(ShardState.READY, s.state());
    assertEquals(1, fake.connectionPaths().size(), "the connection was not closed");
  }

  @Test
  void identifiesArePacedWithASafetyMarginOverDiscordsFiveSeconds() throws Exception {
    var gate = new LocalIdentifyGate(vertx, 1, 10);
    long start = now();
    await(gate.acquire(0));
    await(gate.acquire(1));
    long gap = now() - start;
    assertTrue(gap >= 5_250, "second Identify granted " + gap + " ms after the first: at least 5 s + 250 ms");
  }
}
