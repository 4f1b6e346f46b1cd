package dev.discordbridge.discord.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.discord.FakeDiscordGateway;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shard's normal life against the fake gateway: Identify, READY, heartbeats, resumes. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ShardSessionTest extends ShardTestSupport {

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    startFake(vertx);
  }

  @Test
  void identifiesWithTokenIntentsPropertiesAndShardThenReportsReady() throws Exception {
    var probe = new ShardProbe();
    var s = ready(options().withShard(0, 1), probe);

    var identify = (JsonObject) fake.received(2).get(0).d();
    assertEquals(TOKEN, identify.getString("token"));
    assertEquals(INTENTS, identify.getInteger("intents"));
    assertEquals(new JsonArray().add(0).add(1), identify.getJsonArray("shard"));
    var props = identify.getJsonObject("properties");
    assertNotNull(props.getString("os"));
    assertNotNull(props.getString("browser"));
    assertNotNull(props.getString("device"));

    var ready = probe.dispatches.get(0);
    assertEquals(1, ready.seq());
    String sessionId = await(fake.sessionId(0));
    assertEquals(sessionId, ready.sessionId());
    assertEquals(new ShardPosition(sessionId, 1, fake.resumeUrl()), s.position());
    assertEquals(List.of(ShardState.CONNECTING, ShardState.IDENTIFYING, ShardState.READY),
        probe.states.stream().map(ShardProbe.State::state).distinct().toList());
    assertTrue(s.toString().indexOf(TOKEN) < 0 && options().toString().indexOf(TOKEN) < 0);
  }

  @Test
  void positionIsNullBeforeReady() {
    var s = session(options(), new LocalIdentifyGate(vertx, 1, 1, 0), new ShardProbe());
    assertNull(s.position());
    assertEquals(ShardState.STOPPED, s.state());
  }

  @Test
  void firstHeartbeatAfterIntervalTimesRandomThenEveryIntervalWithLastSeq() throws Exception {
    fake.heartbeatIntervalMs(600);
    random.set(0.5);
    var probe = new ShardProbe();
    ready(options(), probe);
    await(fake.when(() -> fake.received(1).size() >= 1));
    long hello = fake.helloTimes().get(0);
    long first = fake.received(1).get(0).atMs() - hello;
    assertTrue(first >= 270 && first < 500, "first heartbeat " + first + " ms after Hello, expected about 300");
    assertEquals(1L, ((Number) fake.received(1).get(0).d()).longValue(), "d = READY's seq");

    await(fake.dispatch(0, "TYPING_START", new JsonObject().put("n", 1)));
    await(fake.dispatch(0, "TYPING_START", new JsonObject().put("n", 2)));
    await(probe.when(() -> probe.dispatches.size() == 3));
    await(fake.when(() -> fake.received(1).size() >= 2));
    var beats = fake.received(1);
    long gap = beats.get(1).atMs() - beats.get(0).atMs();
    assertTrue(gap >= 570 && gap < 800, "second heartbeat " + gap + " ms after the first, expected 600");
    assertEquals(3L, ((Number) beats.get(1).d()).longValue());
  }

  @Test
  void heartbeatDIsNullBeforeAnyDispatch() throws Exception {
    fake.heartbeatIntervalMs(10_000);
    random.set(0.0); // first beat at once, before Identify is even answered
    var probe = new ShardProbe();
    ready(options(), probe);
    await(fake.when(() -> !fake.received(1).isEmpty()));
    assertNull(fake.received(1).get(0).d());
  }

  @Test
  void answersOp1AtOnce() throws Exception {
    fake.heartbeatIntervalMs(30_000);
    random.set(0.9); // the scheduled beat is 27 s away
    var probe = new ShardProbe();
    ready(options(), probe);
    assertEquals(0, fake.received(1).size());
    long asked = now();
    await(fake.requestHeartbeat(0));
    await(fake.when(() -> fake.received(1).size() == 1));
    assertTrue(fake.received(1).get(0).atMs() - asked < 500);
    assertEquals(1L, ((Number) fake.received(1).get(0).d()).longValue());
  }

  @Test
  void zombieConnectionIsClosedAndResumedOnTheResumeUrlReplayingMissedEventsOnce() throws Exception {
    fake.heartbeatIntervalMs(300).replayOverlap(2);
    random.set(0.5);
    var probe = new ShardProbe();
    var s = ready(options().withBackoff(1000, 1000), probe); // reconnect 500 ms after the zombie close
    await(fake.dispatch(0, "MESSAGE_CREATE", new JsonObject().put("n", 2)));
    await(probe.when(() -> probe.dispatches.size() == 2));

    fake.withholdAcks(true);
    await(fake.when(() -> !fake.clientCloses().isEmpty()));
    fake.withholdAcks(false);
    assertEquals(CloseCodes.RESUME_LATER, fake.clientCloses().get(0).code().shortValue());
    // Sent while the bridge is away: Discord keeps them for the resume.
    await(fake.dispatch(0, "MESSAGE_CREATE", new JsonObject().put("n", 3)));
    await(fake.dispatch(0, "MESSAGE_CREATE", new JsonObject().put("n", 4)));

    await(probe.when(() -> probe.count("RESUMED") == 1));
    assertEquals(List.of("/", FakeDiscordGateway.RESUME_PATH), fake.connectionPaths());
    var resume = (JsonObject) fake.received(6).get(0).d();
    assertEquals(TOKEN, resume.getString("token"));
    assertEquals(probe.dispatches.get(0).sessionId(), resume.getString("session_id"));
    assertEquals(2L, resume.getLong("seq"));
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L), probe.seqs(), "each seq once, in order, despite the overlapping replay");
    assertEquals(List.of(2, 3, 4), probe.dispatches.subList(1, 4).stream().map(d -> d.d().getInteger("n")).toList());
    assertTrue(probe.resets.isEmpty());
    assertEquals(1, fake.received(2).size(), "no second Identify");
    assertEquals(ShardState.READY, s.state());
    assertEquals(5, s.position().seq());
  }

  @Test
  void op7ReconnectResumes() throws Exception {
    var probe = new ShardProbe();
    ready(options(), probe);
    await(fake.requestReconnect(0));
    await(probe.when(() -> probe.count("RESUMED") == 1));
    assertEquals(1, fake.received(6).size());
    assertEquals(1, fake.received(2).size());
    assertNotEquals(1000, fake.clientCloses().get(0).code());
    assertTrue(probe.resets.isEmpty());
  }

  @Test
  void op9ResumableResumes() throws Exception {
    var probe = new ShardProbe();
    ready(options(), probe);
    await(fake.invalidSession(0, true));
    await(probe.when(() -> probe.count("RESUMED") == 1));
    assertEquals(1, fake.received(6).size());
    assertEquals(1, fake.received(2).size());
    assertTrue(probe.resets.isEmpty());
  }

  @Test
  void op9NotResumableIdentifiesAgainAfterOneToFiveSecondsAndReportsTheReset() throws Exception {
    var probe = new ShardProbe();
    ready(options(), probe);
    String first = probe.dispatches.get(0).sessionId();
    random.set(0.0); // the shortest wait Discord allows: 1 s
    long sent = now();
    await(fake.invalidSession(0, false));
    await(probe.when(() -> probe.count("READY") == 2));
    long identifiedAfter = fake.received(2).get(1).atMs() - sent;
    assertTrue(identifiedAfter >= 1000 && identifiedAfter < 1800, "second Identify after " + identifiedAfter + " ms");
    assertEquals(List.of("/", "/"), fake.connectionPaths(), "a new session starts on the gateway URL");
    assertEquals(0, fake.received(6).size(), "no Resume");
    assertEquals(1, probe.resets.size());
    assertTrue(probe.resets.get(0).contains(first));
    assertNotEquals(first, probe.dispatches.get(probe.dispatches.size() - 1).sessionId());
  }

  @Test
  void sessionTimedOutStartsANewSessionWithReset() throws Exception {
    var probe = new ShardProbe();
    ready(options(), probe);
    await(fake.closeShard(0, 4009));
    await(probe.when(() -> probe.count("READY") == 2));
    assertEquals(2, fake.received(2).size());
    assertEquals(0, fake.received(6).size());
    assertEquals(1, probe.resets.size());
  }

  @Test
  void otherCloseCodesResume() throws Exception {
    var probe = new ShardProbe();
    ready(options(), probe);
    await(fake.closeShard(0, 4000));
    await(probe.when(() -> probe.count("RESUMED") == 1));
    assertTrue(probe.reached(ShardState.BACKOFF));
    assertTrue(probe.reached(ShardState.RESUMING));
    assertEquals(1, fake.received(2).size());
  }

  @Test
  void refusedResumeUrlFallsBackToTheGatewayUrl() throws Exception {
    var probe = new ShardProbe();
    ready(options(), probe);
    fake.refuseResumeUrl(true);
    await(fake.closeShard(0, 4000));
    await(probe.when(() -> probe.count("RESUMED") == 1));
    assertEquals(List.of("/", "/"), fake.connectionPaths());
    assertEquals(2, fake.received(6).get(0).connection());
    assertTrue(probe.resets.isEmpty());
  }

  @Test
  void stopKeepingTheSessionLetsAnotherSessionResumeIt() throws Exception {
    var probeA = new ShardProbe();
    var a = ready(options(), probeA);
    a.stop(true);
    await(fake.when(() -> fake.clientCloses().size() == 1));
    assertEquals(CloseCodes.RESUME_LATER, fake.clientCloses().get(0).code().shortValue());
    ShardPosition at = a.position();
    assertNotNull(at);
    assertEquals(ShardState.STOPPED, a.state());
    await(fake.dispatch(0, "MESSAGE_CREATE", new JsonObject().put("n", 2)));

    var probeB = new ShardProbe();
    var b = session(options(), new LocalIdentifyGate(vertx, 1, 0, 0), probeB); // no Identify allowed
    b.start(ShardPosition.fromJson(at.toJson()));
    await(probeB.when(() -> probeB.count("RESUMED") == 1));
    assertEquals(List.of("MESSAGE_CREATE", "RESUMED"), probeB.dispatches.stream().map(ShardProbe.Dispatch::type).toList());
    assertEquals(at.sessionId(), probeB.dispatches.get(0).sessionId());
    assertEquals(2L, probeB.dispatches.get(0).seq());
  }

  @Test
  void stopEndingTheSessionClosesWith1000AndForgetsIt() throws Exception {
    var probe = new ShardProbe();
    var s = ready(options(), probe);
    s.stop(false);
    await(fake.when(() -> fake.clientCloses().size() == 1));
    assertEquals(1000, fake.clientCloses().get(0).code());
    assertNull(s.position());
    assertEquals(ShardState.STOPPED, probe.last());
    assertFalse(stillPending(fake.when(() -> true), 10));
    assertTrue(stillPending(fake.when(() -> fake.connectionPaths().size() > 1), 300), "no reconnect after stop");
  }
}
