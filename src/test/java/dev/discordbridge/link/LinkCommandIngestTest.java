package dev.discordbridge.link;

import static dev.discordbridge.link.LinkHarness.CHANNEL;
import static dev.discordbridge.link.LinkHarness.GUILD;
import static dev.discordbridge.link.LinkHarness.USER;
import static dev.discordbridge.link.LinkHarness.eventually;
import static dev.discordbridge.link.LinkHarness.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusFailure;
import dev.discordbridge.bus.IngestBatch;
import dev.discordbridge.bus.IngestResult;
import dev.discordbridge.bus.UpstreamAck;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.LinkFrames;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.ops.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LinkCommandIngestTest {

  private static GatewayCommand sendMessage(String content) {
    return new GatewayCommand(Ids.newCommandId(), GatewayCommand.SEND_MESSAGE, GUILD, CHANNEL, USER,
        new JsonObject().put("content", content), Ids.newTraceId(), System.currentTimeMillis());
  }

  private static Future<Message<UpstreamAck>> request(Vertx vertx, GatewayCommand c) {
    return vertx.eventBus().request(Addresses.GATEWAY_COMMAND, c);
  }

  /** The ack in the contract's JSON shape, {@code {ok, result} | {ok, error}}. */
  private static JsonObject json(UpstreamAck ack) {
    return new JsonObject().put("ok", ack.ok()).put("result", ack.result())
        .put("error", ack.error() == null ? null : ack.error().toJson());
  }

  @Test
  void aCommandIsWrittenUpstreamAndAnsweredWithTheHubsAck(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 1_000);
    h.awaitUsable();
    GatewayCommand c = sendMessage("hello from the web");
    JsonObject reply = json(request(vertx, c).await().body());
    assertTrue(reply.getBoolean("ok"));
    String messageId = reply.getJsonObject("result").getString("messageId");
    assertTrue(Ids.isSnowflake(messageId));

    StreamEvent echo = h.nextEvent();
    assertEquals("messageCreate", echo.name());
    assertEquals(messageId, echo.data().getString("messageId"));
    assertEquals("hello from the web", echo.data().getString("content"));
    assertEquals("ana", echo.data().getJsonObject("author").getString("username"));

    JsonObject frame = h.hub.received().stream().filter(f -> "command".equals(f.getString("type"))).findFirst().orElseThrow();
    assertEquals(1, frame.getInteger("v"));
    assertEquals(c.id(), frame.getJsonObject("command").getString("id"));
    assertEquals(c.traceId(), frame.getJsonObject("command").getJsonObject("trace").getString("traceId"));

    // A retry with the same id gets the same ack and has no second effect.
    JsonObject again = json(request(vertx, c).await().body());
    assertEquals(messageId, again.getJsonObject("result").getString("messageId"));
    h.emit(message("sentinel"));
    assertEquals("sentinel", h.nextEvent().data().getString("content"), "no second messageCreate");
  }

  @Test
  void aRefusalIsRepliedWithTheHubsError(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 1_000);
    h.awaitUsable();
    h.hub.onCommand(c -> LinkFrames.ackError(c.getString("id"), "MISSING_PERMISSIONS", "not allowed here", false, null));
    JsonObject reply = json(request(vertx, sendMessage("no")).await().body());
    assertFalse(reply.getBoolean("ok"));
    JsonObject error = reply.getJsonObject("error");
    assertEquals("MISSING_PERMISSIONS", error.getString("code"));
    assertEquals("not allowed here", error.getString("message"));
    assertFalse(error.getBoolean("retryable"));
    assertNull(error.getValue("retryAfterMs"));

    h.hub.onCommand(c -> LinkFrames.ackError(c.getString("id"), "RATE_LIMITED", "slow down", true, 1_500L));
    JsonObject retryable = json(request(vertx, sendMessage("later")).await().body()).getJsonObject("error");
    assertTrue(retryable.getBoolean("retryable"));
    assertEquals(1_500L, retryable.getLong("retryAfterMs"));
  }

  @Test
  void aCommandWhileTheLinkIsDownFailsWith503LinkDown(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 1_000, "the-wrong-token-0123456789abcdef", new JsonObject());
    eventually("a refused upgrade", () -> h.hub.handshakes() >= 1);
    Throwable failure = request(vertx, sendMessage("nobody hears")).transform(Future::succeededFuture).await().cause();
    ReplyException e = assertInstanceOf(ReplyException.class, failure);
    assertEquals(BusFailure.LINK_DOWN, BusFailure.of(e));
    assertEquals("LINK_DOWN", e.getMessage());
    assertTrue(h.hub.received().isEmpty(), "nothing was written");
  }

  @Test
  void commandsWaitingForAnAckFailWithLinkDownWhenTheLinkDrops(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 1_000);
    h.awaitUsable();
    h.hub.onCommand(c -> null);
    GatewayCommand c = sendMessage("lost ack");
    Future<Message<UpstreamAck>> pending = request(vertx, c);
    eventually("the command reached the hub", () -> h.hub.received().stream().anyMatch(f -> "command".equals(f.getString("type"))));
    assertEquals(1.0, pendingGauge(h));
    h.hub.dropLink().await();
    ReplyException e = assertInstanceOf(ReplyException.class, pending.transform(Future::succeededFuture).await().cause());
    assertEquals(BusFailure.LINK_DOWN, BusFailure.of(e));
    assertEquals("LINK_DOWN", e.getMessage());
    assertEquals(0.0, pendingGauge(h));

    // After the reconnect the same id is answered (the hub did not remember silence).
    h.hub.onCommand(null);
    h.awaitStatus(s -> s.getBoolean("usable") && s.getInteger("reconnects") >= 1);
    assertTrue(json(request(vertx, c).await().body()).getBoolean("ok"));
  }

  @Test
  void anAckForAnUnknownCommandIsIgnored(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 1_000);
    h.awaitUsable();
    h.hub.sendRaw(LinkFrames.ackOk("cmd_nobody_asked", new JsonObject()).encode()).await();
    h.emit(message("after the stray ack"));
    assertEquals("after the stray ack", h.nextEvent().data().getString("content"));
    assertEquals(1, h.hub.connectionsAccepted());
  }

  @Test
  void ingestionDeDuplicatesAgainstSocketEventsBothWays(Vertx vertx) throws Exception {
    var h = LinkHarness.start(vertx, 1_000);
    h.awaitUsable();
    JsonObject viaSocket = message("socket first");
    h.emit(viaSocket);
    StreamEvent first = h.nextEvent();

    JsonObject viaIngest = message("posted");
    JsonObject badEvent = message("bad");
    badEvent.getJsonObject("data").remove("author");
    JsonObject body = new JsonObject().put("v", 1).put("events", new JsonArray()
        .add(LinkFrames.event(1, viaSocket))
        .add(LinkFrames.event(999, viaIngest))
        .add(LinkFrames.frame(LinkFrames.EVENT).put("event", badEvent))
        .add("not a frame"));
    IngestResult counts = ingest(vertx, body);
    assertEquals(1, counts.accepted());
    assertEquals(1, counts.duplicates());
    List<IngestResult.Rejected> rejected = counts.rejected();
    assertEquals(2, rejected.size());
    assertEquals(2, rejected.get(0).index());
    assertTrue(rejected.get(0).reason().contains("data.author"));
    assertEquals(3, rejected.get(1).index());
    assertEquals("must be an event frame object", rejected.get(1).reason());

    StreamEvent posted = h.nextEvent();
    assertEquals("posted", posted.data().getString("content"));
    assertTrue(posted.streamId() > first.streamId());
    assertEquals(999L, new JsonObject(posted.json()).getJsonObject("trace").getLong("upstreamSeq"));
    assertEquals(1L, h.status().getLong("lastSeq"), "an ingested seq never moves the resume position");

    // The same event arriving later on the socket is not delivered twice.
    h.emit(viaIngest.copy());
    h.emit(message("sentinel"));
    assertEquals("sentinel", h.nextEvent().data().getString("content"));
    assertEquals(1.0, h.counter("bridge_ingest_events_total", "outcome", "accepted"));
    assertEquals(1.0, h.counter("bridge_ingest_events_total", "outcome", "duplicate"));
    assertEquals(2.0, h.counter("bridge_ingest_events_total", "outcome", "rejected"));
    assertEquals(1.0, h.dropped("duplicate"));
  }

  private static IngestResult ingest(Vertx vertx, JsonObject body) {
    IngestBatch batch = new IngestBatch(Ids.newTraceId(), body.getJsonArray("events"));
    return vertx.eventBus().<IngestResult>request(Addresses.GATEWAY_INGEST, batch).await().body();
  }

  private static double pendingGauge(LinkHarness h) {
    return Metrics.registry().find("bridge_link_commands_pending").tag("node", h.nodeId).gauge().value();
  }
}
