package dev.discordbridge.discord.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Fatal close codes, refused Identifies, identify pacing, the send limit, failed resumes. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ShardFailureTest extends ShardTestSupport {

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    startFake(vertx);
  }

  private void assertFailedForGood(ShardSession s, ShardProbe probe, int code, String phrase) throws Exception {
    await(probe.when(() -> s.state() == ShardState.FAILED));
    String detail = probe.states.get(probe.states.size() - 1).detail();
    assertTrue(detail.contains(Integer.toString(code)) && detail.contains(phrase), detail);
    int connections = fake.connectionPaths().size();
    assertTrue(stillPending(fake.when(() -> fake.connectionPaths().size() > connections), 500), "no reconnect after " + code);
    assertEquals(ShardState.FAILED, s.state());
  }

  private ShardSession started(ShardOptions options, ShardProbe probe) {
    var s = session(options, new LocalIdentifyGate(vertx, 1, 1000, 0), probe);
    s.start(null);
    return s;
  }

  @Test
  void badTokenFailsWith4004() throws Exception {
    var probe = new ShardProbe();
    var s = started(options("wrong-token", INTENTS), probe);
    assertFailedForGood(s, probe, 4004, "DISCORD_BOT_TOKEN");
    assertFalse(probe.states.toString().contains("wrong-token"));
  }

  @Test
  void privilegedIntentNotEnabledFailsWith4014() throws Exception {
    fake.enabledPrivilegedIntents(0);
    var probe = new ShardProbe();
    var s = started(options(), probe);
    assertFailedForGood(s, probe, 4014, "enable the Message Content intent");
  }

  @Test
  void invalidIntentsFailWith4013() throws Exception {
    var probe = new ShardProbe();
    var s = started(options(TOKEN, 1 << 30), probe);
    assertFailedForGood(s, probe, 4013, "intents");
  }

  @Test
  void tooFewShardsFailWith4011() throws Exception {
    fake.requiredShards(2);
    var probe = new ShardProbe();
    var s = started(options(), probe);
    assertFailedForGood(s, probe, 4011, "DISCORD_SHARDS");
  }

  @ParameterizedTest
  @ValueSource(ints = {4004, 4010, 4011, 4012, 4013, 4014})
  void everyFatalCodeStopsReconnecting(int code) throws Exception {
    var probe = new ShardProbe();
    var s = ready(options(), probe);
    await(fake.closeShard(0, code));
    assertFailedForGood(s, probe, code, "");
    assertTrue(probe.resets.isEmpty());
  }

  @Test
  void refusedIdentifyIsNotSentAndRetriedLater() throws Exception {
    var probe = new ShardProbe();
    var s = session(options(), new LocalIdentifyGate(vertx, 1, 0, 0), probe);
    s.start(null);
    await(probe.when(() -> probe.states.stream().anyMatch(st -> st.state() == ShardState.BACKOFF
        && st.detail().contains("session_start_limit.remaining"))));
    assertEquals(0, fake.received(2).size());
    assertTrue(stillPending(probe.when(() -> s.state() == ShardState.FAILED), 100));
  }

  @Test
  void identifiesOfOneBucketAreSpacedByTheGate() throws Exception {
    var gate = new LocalIdentifyGate(vertx, 1, 10, 300);
    var probe = new ShardProbe();
    var a = session(options().withShard(0, 2), gate, probe);
    var b = session(options().withShard(1, 2), gate, probe);
    a.start(null);
    b.start(null);
    await(probe.when(() -> probe.count("READY") == 2));
    var identifies = fake.received(2);
    long gap = identifies.get(1).atMs() - identifies.get(0).atMs();
    assertTrue(gap >= 290, "identifies " + gap + " ms apart, expected >= 300");
    List<Integer> shards = new ArrayList<>();
    identifies.forEach(r -> shards.add(((JsonObject) r.d()).getJsonArray("shard").getInteger(0)));
    assertEquals(List.of(0, 1), shards.stream().sorted().toList());
  }

  @Test
  void identifiesOfDifferentBucketsGoTogether() throws Exception {
    var gate = new LocalIdentifyGate(vertx, 2, 10, 5000);
    var probe = new ShardProbe();
    session(options().withShard(0, 2), gate, probe).start(null);
    session(options().withShard(1, 2), gate, probe).start(null);
    await(probe.when(() -> probe.count("READY") == 2));
    var identifies = fake.received(2);
    assertTrue(Math.abs(identifies.get(1).atMs() - identifies.get(0).atMs()) < 2000);
  }

  @Test
  void sendsBeyondTheLimitWaitAndHeartbeatsStillGo() throws Exception {
    fake.heartbeatIntervalMs(100);
    var probe = new ShardProbe();
    var s = ready(options(), probe);
    List<Future<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 115; i++) {
      sends.add(s.send(3, new JsonObject().put("since", null).put("activities", List.of()).put("status", "online").put("afk", false)));
    }
    int allowed = GatewaySendLimiter.DISCORD_LIMIT - GatewaySendLimiter.RESERVED_FOR_HEARTBEATS - 1; // Identify took one
    await(fake.when(() -> fake.received(3).size() == allowed));
    int beats = fake.received(1).size();
    await(fake.when(() -> fake.received(1).size() >= beats + 3));
    assertEquals(allowed, fake.received(3).size(), "the rest wait for the window");
    assertEquals(allowed, sends.stream().filter(Future::succeeded).count());
    assertTrue(fake.clientCloses().isEmpty(), "Discord never had to close with 4008");
    assertEquals(ShardState.READY, s.state());
  }

  @Test
  void resumesThatKeepFailingEndInANewSession() throws Exception {
    var probe = new ShardProbe();
    // A GUILD_CREATE above the message limit kills every connection that replays it.
    var s = ready(options().withMaxMessageBytes(256 * 1024).withMaxFailedResumes(2), probe);
    await(fake.bigGuildCreate(0, "300000000000000001", 512 * 1024, null));
    await(probe.when(() -> probe.count("READY") == 2));
    assertEquals(1, probe.resets.size());
    assertTrue(probe.resets.get(0).contains("2 resumes in a row failed"), probe.resets.get(0));
    assertEquals(2, fake.received(6).size());
    assertEquals(2, fake.received(2).size());
    assertEquals(0, probe.count("GUILD_CREATE"));
    assertEquals(ShardState.READY, s.state());
  }

  @Test
  void noHelloInTimeClosesAndTriesAgain() throws Exception {
    fake.withholdHello(true);
    var probe = new ShardProbe();
    var s = started(options().withHelloTimeoutMs(300), probe);
    await(fake.when(() -> fake.clientCloses().size() == 1));
    assertEquals(CloseCodes.RESUME_LATER, fake.clientCloses().get(0).code().shortValue());
    assertTrue(probe.states.stream().anyMatch(st -> st.state() == ShardState.BACKOFF && st.detail().contains("no Hello")));
    fake.withholdHello(false);
    await(probe.when(() -> probe.count("READY") == 1));
    assertEquals(ShardState.READY, s.state());
  }
}
