package dev.discordbridge.discord.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A dispatch with an absurd {@code s} never becomes the position: later dispatches, heartbeats and the resume are unharmed. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ShardSeqTest extends ShardTestSupport {

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    startFake(vertx);
  }

  /** 2^53 + 1 (not a safe integer), 2^53 - 1 (safe, but a jump the gateway then goes back from), a fraction, a negative. */
  @ParameterizedTest
  @ValueSource(strings = {"9007199254740993", "9007199254740991", "2.5", "-4"})
  void anAbsurdSeqDoesNotSwallowLaterDispatchesNorBreakHeartbeatsOrTheResume(String poison) throws Exception {
    fake.heartbeatIntervalMs(400);
    var probe = new ShardProbe();
    var s = ready(options().withBackoff(300, 300), probe);
    await(fake.dispatch(0, "MESSAGE_CREATE", new JsonObject().put("n", 2)));
    Object value = poison.contains(".") ? (Object) Double.parseDouble(poison) : (Object) Long.parseLong(poison);
    await(fake.rawDispatch(0, "MESSAGE_CREATE", new JsonObject().put("n", 99), value));
    await(fake.dispatch(0, "MESSAGE_CREATE", new JsonObject().put("n", 3)));
    await(fake.dispatch(0, "MESSAGE_CREATE", new JsonObject().put("n", 4)));
    await(probe.when(() -> probe.dispatches.stream().anyMatch(d -> d.d().getInteger("n", 0) == 4)));
    assertEquals(4, s.position().seq(), "the position is the last good seq");

    int beatsBefore = fake.received(1).size();
    await(fake.when(() -> fake.received(1).size() > beatsBefore));
    var beats = fake.received(1);
    assertEquals(4L, ((Number) beats.get(beats.size() - 1).d()).longValue(), "heartbeats carry the last good seq");

    await(fake.requestReconnect(0)); // the resume must not be refused with 4007
    await(probe.when(() -> probe.count("RESUMED") == 1));
    assertEquals(4L, ((JsonObject) fake.received(6).get(0).d()).getLong("seq"));
    assertEquals(1, fake.received(2).size(), "no new session");
    await(fake.dispatch(0, "MESSAGE_CREATE", new JsonObject().put("n", 5)));
    await(probe.when(() -> probe.dispatches.stream().anyMatch(d -> d.d().getInteger("n", 0) == 5)));
    List<Integer> delivered = probe.dispatches.stream().filter(d -> d.type().equals("MESSAGE_CREATE"))
        .map(d -> d.d().getInteger("n")).toList();
    assertTrue(delivered.containsAll(List.of(2, 3, 4, 5)), "every good dispatch delivered: " + delivered);
    assertEquals(ShardState.READY, s.state());
    assertEquals(List.of(poison.equals("9007199254740991") ? "back" : "unsafe"), probe.seqAnomalies, "counted once");
  }
}
