package dev.discordbridge.link;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusCodecs;
import dev.discordbridge.bus.LinkStatus;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamEventCodec;
import dev.discordbridge.ops.Metrics;
import dev.discordbridge.sim.HubEvents;
import dev.discordbridge.sim.SimulatedHub;
import dev.discordbridge.sim.TestHub;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** A real SimulatedHub and a real LinkVerticle on one Vertx, with the bus outputs captured. */
public final class LinkHarness {
  public static final String TOKEN = "test-link-token-0123456789abcdef";
  public static final String JWT_SECRET = "0123456789abcdef0123456789abcdef";
  public static final String GUILD = "1181471853712130048";
  public static final String CHANNEL = "1181471853712130052";
  public static final String VOICE = "1181471853712130054";
  public static final String USER = "1098764523409876481";

  public final Vertx vertx;
  public final TestHub hub;
  public final String nodeId = "test-" + UUID.randomUUID();
  public final BlockingQueue<StreamEvent> events = new LinkedBlockingQueue<>();
  public final BlockingQueue<JsonObject> statuses = new LinkedBlockingQueue<>();
  public BridgeConfig config;
  public LinkVerticle gateway;

  private LinkHarness(Vertx vertx, TestHub hub) {
    this.vertx = vertx;
    this.hub = hub;
  }

  /** Starts a hub (heartbeat {@code heartbeatMs}) and a gateway using {@code gatewayToken}. */
  public static LinkHarness start(Vertx vertx, long heartbeatMs, String gatewayToken, JsonObject overrides) {
    vertx.eventBus().registerDefaultCodec(StreamEvent.class, new StreamEventCodec());
    BusCodecs.register(vertx.eventBus());
    var h = new LinkHarness(vertx, new TestHub(TOKEN, 0, heartbeatMs));
    vertx.deployVerticle(h.hub).await();
    return h.connect("ws://127.0.0.1:" + h.hub.port() + SimulatedHub.PATH, gatewayToken, overrides);
  }

  /**
   * A gateway linked to another hub than the SimulatedHub (a {@link ScriptedHub} that misbehaves
   * on purpose); {@link #hub} is null then.
   */
  public static LinkHarness startAgainst(Vertx vertx, String hubUrl, JsonObject overrides) {
    vertx.eventBus().registerDefaultCodec(StreamEvent.class, new StreamEventCodec());
    BusCodecs.register(vertx.eventBus());
    return new LinkHarness(vertx, null).connect(hubUrl, TOKEN, overrides);
  }

  private LinkHarness connect(String hubUrl, String gatewayToken, JsonObject overrides) {
    var h = this;
    vertx.eventBus().<StreamEvent>consumer(Addresses.EVENTS, m -> h.events.add(m.body())).completion().await();
    vertx.eventBus().<LinkStatus>consumer(Addresses.LINK_STATUS, m -> h.statuses.add(m.body().toJson())).completion().await();
    JsonObject raw = new JsonObject()
        .put("GATEWAY_WS_URL", hubUrl)
        .put("LINK_TOKEN", gatewayToken)
        .put("AUTH_JWT_SECRET", JWT_SECRET)
        .put("NODE_ID", h.nodeId)
        .put("LINK_BACKOFF_BASE_MS", "20")
        .put("LINK_BACKOFF_MAX_MS", "200")
        .put("LINK_HELLO_TIMEOUT_MS", "2000")
        .put("COMMAND_ATTEMPT_TIMEOUT_MS", "2000")
        .mergeIn(overrides);
    h.config = BridgeConfig.parse(raw);
    h.gateway = new LinkVerticle(h.config, dev.discordbridge.app.Upstreams.of(h.config));
    vertx.deployVerticle(h.gateway).await();
    return h;
  }

  public static LinkHarness start(Vertx vertx, long heartbeatMs) {
    return start(vertx, heartbeatMs, TOKEN, new JsonObject());
  }

  /** The next link status (published on change and every second) that matches, within 5 s. */
  public JsonObject awaitStatus(Predicate<JsonObject> match) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      JsonObject s = statuses.poll(100, TimeUnit.MILLISECONDS);
      if (s != null && match.test(s)) {
        return s;
      }
    }
    return fail("no link status matched within 5 s; last query: " + status());
  }

  public JsonObject awaitUsable() throws InterruptedException {
    return awaitStatus(s -> s.getBoolean("usable"));
  }

  public JsonObject status() {
    return vertx.eventBus().<LinkStatus>request(Addresses.LINK_STATUS_QUERY, new JsonObject()).await().body().toJson();
  }

  public StreamEvent nextEvent() throws InterruptedException {
    StreamEvent e = events.poll(5, TimeUnit.SECONDS);
    assertNotNull(e, "no event published within 5 s");
    return e;
  }

  public long emit(JsonObject event) {
    return hub.emit(event).await();
  }

  public double dropped(String reason) {
    Counter c = Metrics.registry().find("bridge_link_frames_dropped_total").tag("node", nodeId).tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  public double counter(String name, String tag, String value) {
    Counter c = Metrics.registry().find(name).tag("node", nodeId).tag(tag, value).counter();
    return c == null ? 0 : c.count();
  }

  /** Polls a condition that has no event to await (e.g. frames the hub received). */
  public static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within 5 s: " + what);
      }
      Thread.sleep(20);
    }
  }

  public static JsonObject message(String content) {
    return HubEvents.messageCreate(GUILD, CHANNEL, USER, "ana", content);
  }
}
