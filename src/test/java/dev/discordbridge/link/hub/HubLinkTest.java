package dev.discordbridge.link.hub;

import static dev.discordbridge.link.LinkHarness.CHANNEL;
import static dev.discordbridge.link.LinkHarness.GUILD;
import static dev.discordbridge.link.LinkHarness.USER;
import static dev.discordbridge.link.LinkHarness.eventually;
import static dev.discordbridge.link.LinkHarness.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.contract.LinkFrames;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamIds;
import dev.discordbridge.link.InboundFrame;
import dev.discordbridge.link.LinkHarness;
import dev.discordbridge.sim.HubEvents;
import dev.discordbridge.sim.SimulatedHub;
import dev.discordbridge.sim.TestHub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HubLinkTest {

  @Test
  void handshakesAndHeartbeatsWithTheAnnouncedInterval(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 200);
    JsonObject status = h.awaitUsable();
    assertEquals("connected", status.getString("state"));
    assertTrue(status.getBoolean("holder"));
    assertNotNull(status.getString("sessionId"));
    assertNull(status.getValue("lastSeq"));
    assertEquals(h.nodeId, status.getString("nodeId"));

    eventually("three heartbeats", () -> heartbeats(h.hub).size() >= 3);
    assertTrue(heartbeats(h.hub).stream().allMatch(f -> f.getInteger("v") == 1 && f.containsKey("seq") && f.getValue("seq") == null),
        "heartbeats carry seq null before any event: " + heartbeats(h.hub));

    long seq = h.emit(message("first"));
    h.nextEvent();
    int before = heartbeats(h.hub).size();
    eventually("a heartbeat with the last seq", () -> heartbeats(h.hub).stream().skip(before)
        .anyMatch(f -> Long.valueOf(seq).equals(f.getLong("seq"))));
    assertEquals(1, h.hub.connectionsAccepted(), "acked heartbeats keep the one link up");
  }

  @Test
  void publishesEventsInOrderWithTraceAndUpstreamSeq(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 1_000);
    h.awaitUsable();
    List<JsonObject> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      JsonObject e = switch (i % 4) {
        case 0 -> message("message " + i);
        case 1 -> HubEvents.typingStart(GUILD, CHANNEL, USER);
        case 2 -> HubEvents.voiceJoined(GUILD, LinkHarness.VOICE, USER, "ana");
        default -> HubEvents.voiceLeft(GUILD, LinkHarness.VOICE, USER, "left");
      };
      e.getJsonObject("data").put("notInTheContract", "must not reach browsers");
      sent.add(e);
      assertEquals(i + 1, h.emit(e));
    }
    long previous = -1;
    for (int i = 0; i < 20; i++) {
      StreamEvent got = h.nextEvent();
      JsonObject wire = new JsonObject(got.json());
      JsonObject expected = sent.get(i);
      assertEquals(StreamEvent.Kind.EVENT, got.kind());
      assertEquals(expected.getString("name"), got.name());
      assertTrue(got.streamId() > previous, "stream ids grow");
      previous = got.streamId();
      assertEquals(StreamIds.format(got.streamId()), wire.getString("id"));
      assertEquals(1, wire.getInteger("v"));
      assertEquals(i + 1L, wire.getJsonObject("trace").getLong("upstreamSeq"));
      assertEquals(expected.getJsonObject("trace").getString("traceId"), wire.getJsonObject("trace").getString("traceId"));
      assertNotNull(wire.getJsonObject("trace").getString("receivedAt"));
      assertNotNull(wire.getJsonObject("trace").getString("publishedAt"));
      assertFalse(wire.getJsonObject("data").containsKey("notInTheContract"));
    }
    assertEquals(20L, h.status().getLong("lastSeq"));
    assertEquals(StreamIds.format(previous), h.status().getString("headStreamId"));
  }

  @Test
  void dropsMalformedFramesCountsThemAndKeepsTheLink(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 1_000);
    h.awaitUsable();
    JsonObject badEvent = message("x");
    badEvent.getJsonObject("data").put("content", "y".repeat(2001));
    JsonObject unknownEvent = HubEvents.event("threadCreate", GUILD, CHANNEL, new JsonObject());

    h.hub.sendRaw("this is not json").await();
    h.hub.sendRaw("{\"v\":2,\"type\":\"event\",\"seq\":1}").await();
    h.hub.sendRaw("{\"v\":1,\"type\":\"party\"}").await();
    h.emit(badEvent); // emit takes the session's next seq and does not validate: seq 1
    h.emit(unknownEvent); // seq 2
    h.hub.sendRaw("{\"v\":1,\"type\":\"event\",\"pad\":\"" + "z".repeat(InboundFrame.MAX_CHARS) + "\"}").await();
    h.hub.sendRaw(LinkFrames.event(3, message("no seq")).put("seq", (Object) null).encode()).await();
    h.emit(message("still here")); // seq 3

    StreamEvent next = h.nextEvent();
    assertEquals("still here", next.data().getString("content"), "no malformed frame was published");
    assertEquals(3L, new JsonObject(next.json()).getJsonObject("trace").getLong("upstreamSeq"));
    assertEquals(1, h.dropped("bad_json"));
    assertEquals(1, h.dropped("bad_version"));
    assertEquals(1, h.dropped("unknown_type"));
    assertEquals(1, h.dropped("bad_event"));
    assertEquals(1, h.dropped("unknown_event"));
    assertEquals(1, h.dropped("too_large"));
    assertEquals(1, h.dropped("bad_frame"));
    assertEquals(1, h.hub.connectionsAccepted(), "the link stayed up");
    assertTrue(h.status().getBoolean("usable"));
  }

  @Test
  void resumesAfterADropWithoutLossOrDuplicates(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 1_000);
    String session = h.awaitUsable().getString("sessionId");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      expected.add(h.hub.emit(message("before " + i)).await() + ":before " + i);
    }
    for (int i = 0; i < 3; i++) {
      h.nextEvent();
    }
    // Queued on the hub's context right behind the close: the bridge cannot see these live.
    var drop = h.hub.dropLink();
    for (int i = 0; i < 3; i++) {
      h.hub.emit(message("during " + i));
    }
    drop.await();
    JsonObject resumed = h.awaitStatus(s -> s.getBoolean("usable") && s.getInteger("reconnects") >= 1);
    assertEquals(session, resumed.getString("sessionId"), "the same session was resumed");
    h.emit(message("after"));

    List<String> got = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      StreamEvent e = h.nextEvent();
      got.add(e.data().getString("content"));
    }
    assertEquals(List.of("during 0", "during 1", "during 2", "after"), got);
    assertNull(h.events.poll(200, TimeUnit.MILLISECONDS), "nothing twice");
    JsonObject resume = h.hub.received().stream().filter(f -> "resume".equals(f.getString("type"))).findFirst().orElseThrow();
    assertEquals(session, resume.getString("sessionId"));
    assertEquals(3L, resume.getLong("seq"));
    assertEquals(2, h.hub.connectionsAccepted());
  }

  @Test
  void anInvalidSessionPublishesAResetAndStartsAfresh(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 1_000);
    String session = h.awaitUsable().getString("sessionId");
    h.emit(message("one"));
    StreamEvent first = h.nextEvent();

    h.hub.invalidateSessions();
    h.hub.dropLink().await();
    StreamEvent reset = h.nextEvent();
    assertEquals(StreamEvent.Kind.RESET, reset.kind());
    assertEquals(StreamEvent.RESET_NAME, reset.name());
    assertTrue(reset.streamId() > first.streamId());
    assertTrue(new JsonObject(reset.json()).getString("reason").contains(session));

    JsonObject fresh = h.awaitStatus(s -> s.getBoolean("usable") && !session.equals(s.getString("sessionId")));
    assertNull(fresh.getValue("lastSeq"));
    h.emit(message("two"));
    StreamEvent second = h.nextEvent();
    assertEquals("two", second.data().getString("content"));
    assertEquals(1L, new JsonObject(second.json()).getJsonObject("trace").getLong("upstreamSeq"), "seq restarts with the session");
    assertTrue(second.streamId() > reset.streamId());
  }

  @Test
  void aZombieLinkIsClosedAndReconnected(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 150);
    h.awaitUsable();
    h.hub.ackHeartbeats(false);
    eventually("a second connection after missed acks", () -> h.hub.connectionsAccepted() >= 2);
    h.hub.ackHeartbeats(true);
    JsonObject status = h.awaitStatus(s -> s.getBoolean("usable") && s.getInteger("reconnects") >= 1);
    assertEquals("connected", status.getString("state"));
    h.emit(message("alive"));
    assertEquals("alive", h.nextEvent().data().getString("content"));
  }

  @Test
  void aRejectedTokenBacksOffInsteadOfSpinning(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 1_000, "the-wrong-token-0123456789abcdef",
        new JsonObject().put("LINK_BACKOFF_BASE_MS", "100").put("LINK_BACKOFF_MAX_MS", "1000"));
    eventually("a first refused upgrade", () -> h.hub.handshakes() >= 1);
    long start = System.nanoTime();
    int first = h.hub.handshakes();
    Thread.sleep(1_500); // the measurement window itself
    int attempts = h.hub.handshakes() - first;
    assertTrue(attempts <= 6, attempts + " upgrade attempts in 1.5 s: the bridge spins");
    assertEquals(0, h.hub.connectionsAccepted());
    JsonObject s = h.status();
    assertFalse(s.getBoolean("usable"));
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
  }

  @Test
  void aClose4004IsTreatedAsARejectedTokenToo(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 1_000, "the-wrong-token-0123456789abcdef",
        new JsonObject().put("LINK_BACKOFF_BASE_MS", "100").put("LINK_BACKOFF_MAX_MS", "1000"));
    h.hub.rejectWithClose(true);
    eventually("a socket closed with 4004", () -> h.hub.connectionsAccepted() >= 1);
    int first = h.hub.connectionsAccepted();
    Thread.sleep(1_500); // the measurement window itself
    assertTrue(h.hub.connectionsAccepted() - first <= 6, "the bridge spins after 4004");
    assertFalse(h.status().getBoolean("usable"));
  }

  @Test
  void standingDownReleasesTheLinkAndANewTermTakesALargerEpoch(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 1_000);
    h.awaitUsable();
    h.emit(message("first term"));
    StreamEvent first = h.nextEvent();

    h.gateway.standDown().await();
    JsonObject standby = h.status();
    assertFalse(standby.getBoolean("holder"));
    assertEquals("standby", standby.getString("state"));
    assertFalse(standby.getBoolean("usable"));
    assertEquals(StreamIds.format(first.streamId()), standby.getString("headStreamId"), "a standby node tracks the head");
    eventually("the socket closed", () -> h.hub.connectionsOpen() == 0);
    Throwable noHolder = vertx.eventBus().request(dev.discordbridge.bus.Addresses.GATEWAY_COMMAND, new JsonObject())
        .transform(io.vertx.core.Future::succeededFuture).await().cause();
    assertEquals(io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS,
        ((io.vertx.core.eventbus.ReplyException) noHolder).failureType(), "commands go to the holder only");

    h.gateway.becomeHolder().await();
    JsonObject held = h.awaitStatus(s -> s.getBoolean("usable"));
    assertTrue(held.getLong("epoch") > StreamIds.epoch(first.streamId()));
    h.emit(message("second term"));
    StreamEvent second = h.nextEvent();
    assertEquals("second term", second.data().getString("content"));
    assertTrue(second.streamId() > first.streamId());
  }

  private static List<JsonObject> heartbeats(TestHub hub) {
    return hub.received().stream().filter(f -> "heartbeat".equals(f.getString("type"))).toList();
  }
}
