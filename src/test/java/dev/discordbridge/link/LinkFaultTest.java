package dev.discordbridge.link;

import static dev.discordbridge.link.LinkHarness.eventually;
import static dev.discordbridge.link.LinkHarness.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.discordbridge.contract.LinkFrames;
import dev.discordbridge.contract.StreamEvent;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Faults of the upstream link found by hostile testing (issue 9, items 1, 2, 3 and 11): each test
 * drives a real hub over a real WebSocket on 127.0.0.1 and fails on the code before its fix.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LinkFaultTest {

  private static String content(StreamEvent e) {
    return e.data().getString("content");
  }

  private static long upstreamSeq(StreamEvent e) {
    return new JsonObject(e.json()).getJsonObject("trace").getLong("upstreamSeq");
  }

  /** Item 1: a huge seq on an invalid event must not blank out every later event. */
  @Test
  void aPoisonFrameNeverMovesTheResumePosition(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 1_000);
    String session = h.awaitUsable().getString("sessionId");
    h.emit(message("one")); // seq 1
    assertEquals("one", content(h.nextEvent()));

    JsonObject noChannel = message("poison");
    noChannel.remove("channelId");
    h.hub.sendRaw(LinkFrames.event(999_999, noChannel).encode()).await();
    h.hub.sendRaw(LinkFrames.event(5_000_000, noChannel.put("id", "evt_poison2")).encode()).await();
    StreamEvent reset = h.nextEvent();
    assertEquals(StreamEvent.Kind.RESET, reset.kind(), "the seq jumped: events may have been lost");
    h.emit(message("two")); // seq 2: the hub's real next seq
    StreamEvent two = h.nextEvent();
    assertEquals("two", content(two), "the event after the poison frames reached the stream (and one reset was enough)");
    assertEquals(2, h.counter("bridge_link_seq_anomalies_total", "kind", "gap"));
    assertEquals(2L, upstreamSeq(two));
    assertEquals(2, h.dropped("bad_event"));
    assertEquals(1, h.counter("bridge_link_seq_anomalies_total", "kind", "regress"));
    assertEquals(2L, h.status().getLong("lastSeq"), "only validated events move the resume position");

    h.hub.dropLink().await();
    h.awaitStatus(s -> s.getBoolean("usable") && s.getInteger("reconnects") >= 1);
    h.emit(message("three"));
    assertEquals("three", content(h.nextEvent()), "and after a reconnect and resume too");
    JsonObject resume = h.hub.received().stream().filter(f -> "resume".equals(f.getString("type"))).findFirst().orElseThrow();
    assertEquals(session, resume.getString("sessionId"));
    assertEquals(2L, resume.getLong("seq"), "the resume asks for what follows the last validated event");
    assertEquals(session, h.status().getString("sessionId"), "the session was resumed, not replaced");
    assertNull(h.events.poll(200, TimeUnit.MILLISECONDS), "no reset, nothing twice");
  }

  /** Items 1 and 3: a seq that jumps resets open streams; one that goes back is counted, never a black-out. */
  @Test
  void aSeqGapResetsOpenStreamsAndASeqGoingBackDropsNothing(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 1_000);
    h.awaitUsable();
    h.emit(message("one")); // seq 1
    StreamEvent one = h.nextEvent();

    h.hub.sendRaw(LinkFrames.event(5, message("five")).encode()).await(); // seqs 2-4 never came
    StreamEvent reset = h.nextEvent();
    assertEquals(StreamEvent.Kind.RESET, reset.kind(), "events were lost upstream: open streams must refetch");
    assertTrue(reset.streamId() > one.streamId());
    assertTrue(new JsonObject(reset.json()).getString("reason").contains("1 to 5"), reset.json());
    StreamEvent five = h.nextEvent();
    assertEquals("five", content(five));
    assertTrue(five.streamId() > reset.streamId());
    assertEquals(1, h.counter("bridge_link_seq_anomalies_total", "kind", "gap"));

    h.emit(message("two")); // the hub's own next seq, 2: behind 5, but a new event
    StreamEvent two = h.nextEvent();
    assertEquals("two", content(two), "a seq going back does not drop what follows");
    assertEquals(1, h.counter("bridge_link_seq_anomalies_total", "kind", "regress"));
    h.emit(message("three")); // seq 3 follows 2: no anomaly
    assertEquals("three", content(h.nextEvent()));
    assertEquals(3L, h.status().getLong("lastSeq"), "the position follows the last accepted event");

    JsonObject invalid = message("no channel");
    invalid.remove("channelId");
    h.emit(invalid); // seq 4, dropped: not a gap for what follows
    h.emit(message("four")); // seq 5
    assertEquals("four", content(h.nextEvent()), "an invalid event is no reason to reset the streams");
    assertEquals(1, h.counter("bridge_link_seq_anomalies_total", "kind", "gap"));
    assertEquals(5L, h.status().getLong("lastSeq"));
    assertNull(h.events.poll(200, TimeUnit.MILLISECONDS), "one reset only");
  }

  /** Item 2: a message above the old 4 MiB limit no longer closes the link at the default limit. */
  @Test
  void anOversizedEventIsDroppedAndCountedAndTheLinkStays(Vertx vertx) throws Exception {
    var hub = new ScriptedHub(LinkHarness.TOKEN, 1_000);
    vertx.deployVerticle(hub).await();
    var h = LinkHarness.startAgainst(vertx, hub.url(), new JsonObject());
    h.awaitUsable();
    hub.emit(message("x".repeat(5 << 20))).await(); // one 5 MiB frame
    hub.emit(message("after")).await();
    assertEquals("after", content(h.nextEvent()));
    assertEquals(1, h.dropped("too_large"));
    assertEquals(1, hub.connectionsAccepted(), "the link stayed up");
  }

  /** Item 2: a message above LINK_MAX_FRAME_BYTES in 64 KiB fragments (as Vert.x hubs write) is dropped, not fatal. */
  @Test
  void aFragmentedMessageAboveTheLimitIsDroppedAndTheLinkStays(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 1_000, LinkHarness.TOKEN, new JsonObject().put("LINK_MAX_FRAME_BYTES", "1048576"));
    h.awaitUsable();
    h.emit(message("x".repeat(2 << 20)));
    h.emit(message("after"));
    assertEquals("after", content(h.nextEvent()));
    assertTrue(h.dropped("too_large") >= 1);
    assertEquals(1, h.hub.connectionsAccepted(), "the link stayed up");
  }

  /**
   * Item 2: a frame above LINK_MAX_FRAME_BYTES closes the socket (the WebSocket layer answers
   * 1009) and the hub replays it on every resume; after LINK_MAX_FAILED_RESUMES resumes the
   * bridge starts a fresh session, resets the streams, and later events flow again.
   */
  @Test
  void anOversizedEventReplayedOnEveryResumeEndsInAFreshSessionAndAReset(Vertx vertx) throws Exception {
    var hub = new ScriptedHub(LinkHarness.TOKEN, 500);
    vertx.deployVerticle(hub).await();
    var h = LinkHarness.startAgainst(vertx, hub.url(),
        new JsonObject().put("LINK_MAX_FRAME_BYTES", "1048576").put("LINK_MAX_FAILED_RESUMES", "3"));
    String session = h.awaitUsable().getString("sessionId");
    hub.emit(message("one")).await();
    StreamEvent one = h.nextEvent();
    assertEquals("one", content(one));

    hub.emit(message("x".repeat(5 << 20))).await(); // one 5 MiB frame, replayed on every resume
    StreamEvent reset = h.nextEvent();
    assertEquals(StreamEvent.Kind.RESET, reset.kind());
    assertTrue(new JsonObject(reset.json()).getString("reason").contains("3 failed resumes"), reset.json());
    JsonObject fresh = h.awaitStatus(s -> s.getBoolean("usable") && !session.equals(s.getString("sessionId")));
    assertEquals(3, hub.received().stream()
        .filter(f -> "resume".equals(f.getString("type")) && session.equals(f.getString("sessionId"))).count(),
        "three resumes, then a fresh session instead of a fourth");
    eventually("the hub moved to the fresh session", () -> fresh.getString("sessionId").equals(hub.session()));

    hub.emit(message("after")).await();
    StreamEvent after = h.nextEvent();
    assertEquals("after", content(after), "the link came back and events flow");
    assertTrue(after.streamId() > reset.streamId());
    assertTrue(h.dropped("too_large") >= 1, "the oversized frame was counted");
    assertEquals(1, h.counter("bridge_link_sessions_abandoned_total", "reason", "failed_resumes"));
  }

  /** Item 11: a failed reconnect is one line of ours, with the reason, and no WARN of Vert.x's in production. */
  @Test
  void aFailedReconnectIsOneLineOfOursWithTheReason(Vertx vertx) throws Exception {
    LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.setContext(logging);
    captured.start();
    var h = LinkHarness.start(vertx, 1_000);
    h.awaitUsable();
    int handshakesBefore = h.hub.handshakes();
    int acceptedBefore = h.hub.connectionsAccepted();
    logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(captured);
    try {
      h.hub.refuseConnections(true);
      h.hub.dropLink().await();
      eventually("four refused reconnects", () -> h.hub.handshakes() - handshakesBefore >= 4);
      h.hub.refuseConnections(false);
      h.awaitStatus(s -> s.getBoolean("usable") && h.hub.connectionsAccepted() > acceptedBefore);
    } finally {
      logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(captured);
    }
    int refused = h.hub.handshakes() - handshakesBefore - (h.hub.connectionsAccepted() - acceptedBefore);
    List<ILoggingEvent> events = List.copyOf(captured.list);
    List<ILoggingEvent> ours = events.stream()
        .filter(e -> e.getLoggerName().startsWith(LinkVerticle.class.getPackageName() + ".")).toList();
    List<ILoggingEvent> failures = ours.stream().filter(e -> e.getFormattedMessage().contains("HTTP 503")).toList();
    assertEquals(refused, failures.size(), "one line of ours per failed reconnect, naming the reason: " + lines(ours));
    assertTrue(failures.stream().allMatch(e -> e.getLevel() == Level.WARN), lines(failures));
    assertTrue(failures.stream().allMatch(e -> e.getFormattedMessage().contains("reconnecting in")), lines(failures));
    // The hub's close (1), every refusal (one each), the resume (1): nothing else of ours.
    assertEquals(refused + 2, ours.size(), lines(ours));

    // Vert.x's own WARN ("Connection evicted", no reason) must not reach the production log.
    LoggerContext production = new LoggerContext();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(production);
    configurator.doConfigure(LinkFaultTest.class.getResource("/logback.xml"));
    List<ILoggingEvent> vertxLines = events.stream()
        .filter(e -> e.getLoggerName().startsWith("io.vertx") && e.getLevel().isGreaterOrEqual(Level.WARN))
        .filter(e -> production.getLogger(e.getLoggerName()).isEnabledFor(e.getLevel()))
        .toList();
    production.stop();
    assertEquals(List.of(), vertxLines.stream().map(LinkFaultTest::line).toList());
  }

  private static String lines(List<ILoggingEvent> events) {
    return events.stream().map(LinkFaultTest::line).toList().toString();
  }

  private static String line(ILoggingEvent e) {
    return e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage();
  }
}
