package dev.discordbridge.e2e;

import dev.discordbridge.sim.TestHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.sim.Roster;
import dev.discordbridge.sim.HubEvents;
import dev.discordbridge.sim.SimulatedHub;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The browser stream through a whole node: events the simulated hub emits on the real link reach
 * an SSE client over real HTTP in the contract's exact shape, across link drops, lost sessions and
 * malformed frames; readiness follows the link.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamThroughNodeTest {
  static final String GUILD = Roster.NIGHT_OWLS;
  static final String OTHER_GUILD = Roster.VERTX_BUILDERS;
  static final String TEXT = "1181471853712130052";
  static final String VOICE = "1181471853712130054";
  static final String ANA = "1098764523409876481";
  static final String BRUNO = "1098764523409876482";
  static final Set<String> PAYLOAD_KEYS = Set.of("v", "id", "name", "guildId", "channelId", "occurredAt", "data", "trace");
  static final Set<String> TRACE_KEYS = Set.of("traceId", "upstreamSeq", "receivedAt", "publishedAt");

  Node node;
  TestHub hub;
  String token;

  @BeforeAll
  void start() {
    node = E2e.start(new JsonObject().put("SSE_HEARTBEAT_MS", "1000"));
    hub = ((TestHub) node.simulatedHub());
    token = E2e.token(node, ANA, List.of(GUILD));
  }

  @AfterAll
  void stop() {
    node.stop().await();
  }

  @BeforeEach
  void linkUp() {
    E2e.linkUp(node);
  }

  SseClient open() throws Exception {
    SseClient c = SseClient.open(E2e.base(node), "/api/stream", token, null);
    assertEquals(200, c.status());
    E2e.nonNull(c.next("ready", 5_000), "ready");
    return c;
  }

  /** The next event other than heartbeats and command statuses. */
  static SseClient.Event next(SseClient c) throws InterruptedException {
    while (true) {
      SseClient.Event e = E2e.nonNull(c.next(10_000), "an event on the stream");
      assertNotEquals(SseClient.CLOSED, e.name(), "the stream closed");
      if (!"heartbeat".equals(e.name()) && !"commandStatus".equals(e.name())) {
        return e;
      }
    }
  }

  /** Asserts the SSE event is {@code sent} (the hub's event) in the contract's shape; returns the payload. */
  static JsonObject assertDelivered(SseClient.Event e, JsonObject sent, Set<String> dataKeys) {
    assertEquals(sent.getString("name"), e.name(), "the SSE event name");
    JsonObject p = e.json();
    assertEquals(PAYLOAD_KEYS, p.fieldNames(), "payload keys of " + e.data());
    assertEquals(1, p.getInteger("v"));
    assertEquals(e.id(), p.getString("id"), "the SSE id is the payload's id");
    assertEquals(sent.getString("guildId"), p.getString("guildId"));
    assertEquals(sent.getString("channelId"), p.getString("channelId"));
    assertEquals(Instant.parse(sent.getString("occurredAt")), Instant.parse(p.getString("occurredAt")));
    assertEquals(dataKeys, p.getJsonObject("data").fieldNames(), "data keys of " + e.name());
    JsonObject trace = p.getJsonObject("trace");
    assertEquals(TRACE_KEYS, trace.fieldNames());
    assertEquals(sent.getJsonObject("trace").getString("traceId"), trace.getString("traceId"), "the hub's trace id is kept");
    assertTrue(trace.getValue("upstreamSeq") instanceof Number, trace.encode());
    assertTrue(!Instant.parse(trace.getString("publishedAt")).isBefore(Instant.parse(trace.getString("receivedAt"))));
    for (String k : dataKeys) {
      if (!"author".equals(k) && !"emoji".equals(k)) {
        assertEquals(sent.getJsonObject("data").getValue(k), p.getJsonObject("data").getValue(k), "data." + k);
      }
    }
    return p;
  }

  @Test
  void everyKnownEventArrivesInTheContractShape() throws Exception {
    try (SseClient c = open()) {
      JsonObject message = HubEvents.messageCreate(GUILD, TEXT, ANA, "ana", "hello stream");
      message.getJsonObject("data").put("nonce", "not in the contract");
      message.getJsonObject("data").getJsonObject("author").put("avatar", "not in the contract");
      String messageId = message.getJsonObject("data").getString("messageId");
      List<JsonObject> sent = List.of(
          message,
          HubEvents.voiceJoined(OTHER_GUILD, "1203344107853062150", BRUNO, "bruno"), // not for this caller
          HubEvents.voiceJoined(GUILD, VOICE, BRUNO, "bruno"),
          HubEvents.voiceLeft(GUILD, VOICE, BRUNO, "kicked"),
          HubEvents.reactionAdd(GUILD, TEXT, messageId, BRUNO, "🎉", null),
          HubEvents.typingStart(GUILD, TEXT, BRUNO));
      for (JsonObject e : sent) {
        hub.emit(e).await();
      }
      JsonObject m = assertDelivered(next(c), message, Set.of("messageId", "author", "content"));
      assertEquals(new JsonObject().put("id", ANA).put("username", "ana"), m.getJsonObject("data").getJsonObject("author"),
          "author has exactly id and username");
      JsonObject joined = assertDelivered(next(c), sent.get(2), Set.of("userId", "username", "channelId"));
      JsonObject left = assertDelivered(next(c), sent.get(3), Set.of("userId", "channelId", "reason"));
      JsonObject reaction = assertDelivered(next(c), sent.get(4), Set.of("messageId", "userId", "emoji"));
      assertEquals(Set.of("name", "id"), reaction.getJsonObject("data").getJsonObject("emoji").fieldNames());
      assertEquals("🎉", reaction.getJsonObject("data").getJsonObject("emoji").getString("name"));
      JsonObject typing = assertDelivered(next(c), sent.get(5), Set.of("userId"));

      List<String> ids = List.of(m.getString("id"), joined.getString("id"), left.getString("id"), reaction.getString("id"),
          typing.getString("id"));
      for (int i = 1; i < ids.size(); i++) {
        assertTrue(ids.get(i).compareTo(ids.get(i - 1)) > 0, "stream ids grow: " + ids);
      }
      assertEquals(List.of(), c.drain().stream().filter(e -> !"heartbeat".equals(e.name())).toList(),
          "nothing else: the other guild's event is not written to this caller");
    }
  }

  @Test
  void aDroppedLinkResumesWithNoGapAndNoDuplicate() throws Exception {
    int accepted = hub.connectionsAccepted();
    try (SseClient c = open()) {
      int total = 40;
      for (int i = 0; i < total; i++) {
        hub.emit(HubEvents.messageCreate(GUILD, TEXT, ANA, "ana", "flow " + i)).await();
        if (i == total / 2) {
          hub.dropLink().await(); // the rest is emitted while the bridge reconnects and resumes
        }
      }
      List<String> contents = new ArrayList<>();
      String lastId = "";
      while (contents.size() < total) {
        SseClient.Event e = next(c);
        assertEquals("messageCreate", e.name(), "no reset: the session was resumed (" + e.data() + ")");
        assertTrue(e.id().compareTo(lastId) > 0, "ids grow");
        lastId = e.id();
        contents.add(e.json().getJsonObject("data").getString("content"));
      }
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        expected.add("flow " + i);
      }
      assertEquals(expected, contents, "every event once, in order");
      JsonObject marker = HubEvents.messageCreate(GUILD, TEXT, ANA, "ana", "after the flow");
      hub.emit(marker).await();
      assertEquals("after the flow", next(c).json().getJsonObject("data").getString("content"), "and no late duplicate");
    }
    assertTrue(hub.connectionsAccepted() > accepted, "the link really was dropped and reconnected");
    assertEquals(1, hub.maxConnectionsOpen(), "never more than one link");
  }

  @Test
  void aLostUpstreamSessionResetsEveryStream() throws Exception {
    try (SseClient c = open()) {
      hub.emit(HubEvents.messageCreate(GUILD, TEXT, ANA, "ana", "before the loss")).await();
      String before = next(c).id();
      hub.invalidateSessions();
      hub.dropLink().await();
      SseClient.Event reset = next(c);
      assertEquals("reset", reset.name(), "the client must refetch: " + reset);
      assertNotNull(reset.id(), "a reset carries the position to resume from");
      assertTrue(reset.id().compareTo(before) > 0);
      assertTrue(reset.json().containsKey("reason"));
      E2e.awaitReady(node, 200);
      JsonObject after = HubEvents.messageCreate(GUILD, TEXT, ANA, "ana", "after the loss");
      hub.emit(after).await();
      SseClient.Event e = next(c);
      assertDelivered(e, after, Set.of("messageId", "author", "content"));
      assertTrue(e.id().compareTo(reset.id()) > 0);
    }
  }

  @Test
  void aMalformedFrameIsDroppedAndCountedAndTheLinkStaysUp() throws Exception {
    int accepted = hub.connectionsAccepted();
    double dropped = E2e.metric(node, "bridge_link_frames_dropped_total");
    try (SseClient c = open()) {
      hub.sendRaw("{this is not json").await();
      hub.sendRaw(new JsonObject().put("v", 2).put("type", "event").put("seq", 999).encode()).await();
      JsonObject broken = HubEvents.voiceLeft(GUILD, VOICE, BRUNO, "vanished"); // not a contract reason
      hub.emit(broken).await();
      JsonObject next = HubEvents.messageCreate(GUILD, TEXT, ANA, "ana", "still flowing");
      hub.emit(next).await();
      assertDelivered(next(c), next, Set.of("messageId", "author", "content"));
    }
    double now = E2e.metric(node, "bridge_link_frames_dropped_total");
    assertEquals(3.0, now - dropped, 0.0, "three frames dropped and counted");
    assertEquals(accepted, hub.connectionsAccepted(), "the link stayed up");
  }

  @Test
  void theStreamAnswers401And403AndClosesWhenTheTokenExpires() throws Exception {
    assertEquals(401, E2e.get(node, "/api/stream").status());
    E2e.Response foreign = E2e.get(node, "/api/stream?guild=" + OTHER_GUILD, "Authorization", "Bearer " + token);
    assertEquals(403, foreign.status());
    assertEquals("FORBIDDEN", foreign.error().getString("code"));

    String shortLived = E2e.token(node, ANA, List.of(GUILD), 3);
    try (SseClient c = SseClient.open(E2e.base(node), "/api/stream", shortLived, null)) {
      E2e.nonNull(c.next("ready", 5_000), "ready");
      SseClient.Event beat = E2e.nonNull(c.next("heartbeat", 2_500), "a heartbeat after SSE_HEARTBEAT_MS of silence");
      Instant.parse(beat.json().getString("ts"));
      assertEquals(SseClient.CLOSED, E2e.nonNull(c.next(SseClient.CLOSED, 8_000), "the stream ends at exp").name());
    }
  }

  @Test
  void readinessFollowsTheLink() {
    assertEquals(200, E2e.get(node, "/health/ready").status());
    assertEquals(200, E2e.get(node, "/health/live").status());
    hub.refuseConnections(true);
    hub.dropLink().await();
    E2e.awaitReady(node, 503);
    E2e.Response down = E2e.get(node, "/health/ready");
    assertEquals(503, down.status());
    assertEquals(200, E2e.get(node, "/health/live").status(), "alive while not ready");
    assertTrue(E2e.metric(node, "bridge_link_up") == 0.0, "bridge_link_up is 0 while the link is down");
    hub.refuseConnections(false);
    E2e.awaitReady(node, 200);
    assertEquals(1.0, E2e.metric(node, "bridge_link_up"));
  }
}
