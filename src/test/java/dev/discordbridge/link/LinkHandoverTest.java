package dev.discordbridge.link;

import static dev.discordbridge.link.LinkHarness.eventually;
import static dev.discordbridge.link.LinkHarness.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusCodecs;
import dev.discordbridge.bus.ClusterStatus;
import dev.discordbridge.bus.Handover;
import dev.discordbridge.bus.LinkStatus;
import dev.discordbridge.cluster.LinkLease;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.GatewayEvent;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamEventCodec;
import dev.discordbridge.contract.StreamIds;
import dev.discordbridge.ops.Metrics;
import dev.discordbridge.sim.SimulatedHub;
import dev.discordbridge.sim.TestHub;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A link handover between two real link holders (LinkVerticle) on one bus, against a real hub, with a third
 * "node" played by the test: it answers the handover query with a tail of its own (ahead of or
 * behind the two) and serves its events. What a holder that died in the middle of a
 * cluster-wide publish leaves behind, reproduced on purpose instead of by chance.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LinkHandoverTest {
  private static final String PEER_FETCH = "test.handover.fetch.peer";

  /** The events on the bus, each with whether it came as a handover repair. */
  record Published(StreamEvent event, boolean repair) {
    String content() {
      return event.data() == null ? null : event.data().getString("content");
    }
  }

  @Test
  void aNewHolderBehindAPeerFillsItsGapFromThePeerAndResumesAfterIt(Vertx vertx) throws Exception {
    var c = Cluster.start(vertx);
    List<JsonObject> late = c.firstTermThenStandDown(List.of("m4", "m5", "m6"));
    StreamEvent m3 = c.byContent("m3").event();
    // The dead holder got m4 (seq 4) out to the peer, and not to this node.
    StreamEvent m4 = StreamEvent.of(GatewayEvent.fromJson(late.get(0), name -> false), m3.streamId() + 1, 4L, true,
        System.currentTimeMillis(), System.currentTimeMillis());
    c.peer(m4.streamId(), List.of(m4), true);

    c.lease.holder = c.b.nodeId;
    Published filled = c.next();
    assertEquals("m4", filled.content());
    assertTrue(filled.repair(), "republished as a repair");
    assertEquals(m4.streamId(), filled.event().streamId(), "under the id the peer already delivered it with");
    Published m5 = c.next();
    Published m6 = c.next();
    assertEquals(List.of("m5", "m6"), List.of(m5.content(), m6.content()), "then the session resumes after it");
    assertFalse(m5.repair());
    assertTrue(StreamIds.epoch(m5.event().streamId()) > StreamIds.epoch(m4.streamId()), "in a new term");
    assertEquals(4L, c.lastResume().getLong("seq"), "resumed after the filled event, not after this node's last");
    c.assertNothingMore();
    assertEquals(1.0, c.filled(c.b.nodeId));
  }

  @Test
  void aNewHolderAheadOfAPeerRepublishesWhatThePeerMissed(Vertx vertx) throws Exception {
    var c = Cluster.start(vertx);
    c.firstTermThenStandDown(List.of("m4"));
    StreamEvent m2 = c.byContent("m2").event();
    StreamEvent m3 = c.byContent("m3").event();
    c.peer(m2.streamId(), List.of(), true); // the peer missed m3

    c.lease.holder = c.b.nodeId;
    Published again = c.next();
    assertEquals("m3", again.content());
    assertTrue(again.repair());
    assertEquals(m3.streamId(), again.event().streamId());
    assertEquals("m4", c.next().content());
    assertEquals(3L, c.lastResume().getLong("seq"));
    c.assertNothingMore();
  }

  @Test
  void aGapNoSurvivorCanFillEndsInAReset(Vertx vertx) throws Exception {
    var c = Cluster.start(vertx);
    c.firstTermThenStandDown(List.of("m4"));
    StreamEvent m3 = c.byContent("m3").event();
    c.peer(m3.streamId() + 1, List.of(), false); // ahead, and its history no longer holds the event

    c.lease.holder = c.b.nodeId;
    Published reset = c.next();
    assertEquals(StreamEvent.Kind.RESET, reset.event().kind(), "every stream refetches");
    assertFalse(reset.repair(), "a fresh reset of the new term");
    assertTrue(reset.event().streamId() > m3.streamId() + 1);
    assertEquals("m4", c.next().content());
  }

  @Test
  void nodesThatAgreeNeedNoFill(Vertx vertx) throws Exception {
    var c = Cluster.start(vertx);
    c.firstTermThenStandDown(List.of("m4"));
    c.peer(c.byContent("m3").event().streamId(), List.of(), true);

    c.lease.holder = c.b.nodeId;
    Published m4 = c.next();
    assertEquals("m4", m4.content());
    assertFalse(m4.repair());
    assertEquals(3L, c.lastResume().getLong("seq"));
    c.assertNothingMore();
    assertEquals(0.0, c.filled(c.b.nodeId));
  }

  @Test
  void planTakesTheRangeBetweenTheShortestAndTheLongestSequence() {
    var reports = List.of(new Handover.Report("q", "x", 7, "fx"), new Handover.Report("q", "y", 9, "fy"),
        new Handover.Report("q", "z", -1, "fz"));
    assertEquals(new TermHandover.Gap(5, 9, "fy"), TermHandover.plan(5, reports));
    assertEquals(new TermHandover.Gap(7, 10, null), TermHandover.plan(10, reports));
    assertEquals(new TermHandover.Gap(7, 9, "fy"), TermHandover.plan(-1, reports), "a node that saw nothing is not behind");
    assertEquals(null, TermHandover.plan(9, List.of(new Handover.Report("q", "y", 9, "fy"))));
    assertEquals(null, TermHandover.plan(-1, List.of()));
  }

  @Test
  void recentEventsKeepTheLastOnesInOrderAndKnowWhatFellOut() {
    var recent = new RecentEvents(3);
    for (int i = 1; i <= 5; i++) {
      recent.add(StreamEvent.reset(i, "r" + i));
    }
    recent.add(StreamEvent.reset(4, "a repeat"));
    assertEquals(5, recent.tail());
    assertEquals(List.of(4L, 5L), recent.range(3, 5).stream().map(StreamEvent::streamId).toList());
    assertEquals(List.of(3L, 4L), recent.range(2, 4).stream().map(StreamEvent::streamId).toList());
    assertTrue(recent.covers(2));
    assertFalse(recent.covers(1), "event 2 fell out");
  }

  /** Two gateways (a, then b, hold the link), a hub, a lease the test moves, a cluster of three. */
  private static final class Cluster {
    final Vertx vertx;
    final TestHub hub;
    final TestLease lease = new TestLease();
    final BlockingQueue<Published> published = new LinkedBlockingQueue<>();
    final List<Published> firstTerm = new ArrayList<>();
    final BlockingQueue<LinkStatus> statuses = new LinkedBlockingQueue<>();
    Node a;
    Node b;

    record Node(String nodeId, LinkVerticle gateway) {}

    private Cluster(Vertx vertx, TestHub hub) {
      this.vertx = vertx;
      this.hub = hub;
    }

    static Cluster start(Vertx vertx) throws Exception {
      vertx.eventBus().registerDefaultCodec(StreamEvent.class, new StreamEventCodec());
      BusCodecs.register(vertx.eventBus());
      var c = new Cluster(vertx, new TestHub(LinkHarness.TOKEN, 0, 1_000));
      vertx.deployVerticle(c.hub).await();
      var bus = vertx.eventBus();
      bus.<StreamEvent>consumer(Addresses.EVENTS,
          m -> c.published.add(new Published(m.body(), m.headers().contains(Addresses.REPAIR_HEADER)))).completion().await();
      bus.<LinkStatus>consumer(Addresses.LINK_STATUS, m -> c.statuses.add(m.body())).completion().await();
      // Three members: the two gateways and the test's peer.
      bus.localConsumer(Addresses.CLUSTER_STATUS_QUERY, m -> m.reply(new ClusterStatus(true, 3, 1, true, true)))
          .completion().await();
      c.lease.holder = "node-a";
      c.a = c.deploy("node-a", 100); // the first holder: nobody to wait for
      c.b = c.deploy("node-b", 5_000); // two reports (a's and the peer's) end its wait

      return c;
    }

    Node deploy(String nodeId, long handoverWaitMs) {
      JsonObject raw = new JsonObject()
          .put("GATEWAY_WS_URL", "ws://127.0.0.1:" + hub.port() + SimulatedHub.PATH)
          .put("LINK_TOKEN", LinkHarness.TOKEN)
          .put("AUTH_JWT_SECRET", LinkHarness.JWT_SECRET)
          .put("NODE_ID", nodeId + "-" + UUID.randomUUID())
          .put("LINK_BACKOFF_BASE_MS", "20")
          .put("LINK_BACKOFF_MAX_MS", "200")
          .put("LINK_HELLO_TIMEOUT_MS", "2000");
      BridgeConfig config = BridgeConfig.parse(raw);
      if (nodeId.equals(lease.holder)) {
        lease.holder = config.node().id();
      }
      var gateway = new LinkVerticle(config, lease, handoverWaitMs, dev.discordbridge.app.Upstreams.of(config));
      vertx.deployVerticle(gateway).await();
      return new Node(config.node().id(), gateway);
    }

    /**
     * a holds the link and publishes m1..m3; then the lease expires with nobody holding it, a
     * stands down, and the hub keeps {@code later} for the session's resume. Returns the events
     * the hub emitted meanwhile.
     */
    List<JsonObject> firstTermThenStandDown(List<String> later) throws Exception {
      awaitStatus(s -> s.nodeId().equals(a.nodeId) && s.usable());
      for (String content : List.of("m1", "m2", "m3")) {
        hub.emit(message(content)).await();
        Published p = next();
        assertEquals(content, p.content());
        firstTerm.add(p);
      }
      awaitStatus(s -> s.nodeId().equals(a.nodeId) && Long.valueOf(3).equals(s.lastSeq()));
      lease.holder = null;
      awaitStatus(s -> s.nodeId().equals(a.nodeId) && !s.holder());
      eventually("a's socket closed", () -> hub.connectionsOpen() == 0);
      List<JsonObject> emitted = new ArrayList<>();
      for (String content : later) {
        JsonObject e = message(content);
        hub.emit(e).await();
        emitted.add(e);
      }
      return emitted;
    }

    /** The test's node: reports {@code tail}, serves {@code events} as its history ({@code complete} or not). */
    void peer(long tail, List<StreamEvent> events, boolean complete) {
      var bus = vertx.eventBus();
      bus.<Handover.Query>consumer(Addresses.HANDOVER_QUERY,
          m -> bus.publish(Addresses.HANDOVER_REPORT, new Handover.Report(m.body().queryId(), "peer-c", tail, PEER_FETCH)))
          .completion().await();
      bus.<Handover.Fetch>consumer(PEER_FETCH, m -> m.reply(new Handover.Events(complete, events.stream()
          .filter(e -> e.streamId() > m.body().after() && e.streamId() <= m.body().through())
          .map(StreamEvent::wire).toList()))).completion().await();
    }

    Published byContent(String content) {
      return firstTerm.stream().filter(p -> content.equals(p.content())).findFirst().orElseThrow();
    }

    Published next() throws InterruptedException {
      Published p = published.poll(10, TimeUnit.SECONDS);
      assertNotNull(p, "no event published within 10 s");
      return p;
    }

    /** Once b is connected and a heartbeat went by, nothing else was published (no repeat of a filled event). */
    void assertNothingMore() throws Exception {
      awaitStatus(s -> s.nodeId().equals(b.nodeId) && s.usable());
      int frames = hub.received().size();
      eventually("a heartbeat after the resume", () -> hub.received().stream().skip(frames)
          .anyMatch(f -> "heartbeat".equals(f.getString("type"))));
      Published extra = published.poll();
      assertEquals(null, extra, () -> "published again: " + extra.event().json());
    }

    JsonObject lastResume() {
      return hub.received().stream().filter(f -> "resume".equals(f.getString("type"))).reduce((x, y) -> y).orElseThrow();
    }

    double filled(String nodeId) {
      Counter counter = Metrics.registry().find("bridge_handover_events_filled_total").tag("node", nodeId).counter();
      return counter == null ? 0 : counter.count();
    }

    void awaitStatus(java.util.function.Predicate<LinkStatus> match) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        LinkStatus s = statuses.poll(100, TimeUnit.MILLISECONDS);
        if (s != null && match.test(s)) {
          return;
        }
      }
      throw new AssertionError("no link status matched within 10 s");
    }
  }

  /** A lease the test hands from node to node; every change of holder takes a larger epoch. */
  static final class TestLease implements LinkLease {
    volatile String holder;
    private String granted;
    private long epoch = -1;

    @Override
    public synchronized Future<Grant> acquireOrRenew(String nodeId, long minEpoch) {
      String now = holder;
      if (now != null && !now.equals(granted)) {
        epoch = Math.max(epoch + 1, minEpoch);
        granted = now;
      }
      return Future.succeededFuture(new Grant(now, epoch, System.currentTimeMillis() + leaseMillis()));
    }

    @Override
    public Future<Void> release(String nodeId) {
      return Future.succeededFuture();
    }

    @Override
    public long leaseMillis() {
      return 300;
    }
  }
}
