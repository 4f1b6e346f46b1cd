package dev.discordbridge.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The upstream's bus records: validated on construction, and the same after a trip across the cluster. */
class UpstreamRecordsTest {

  private static <T extends Record> T acrossTheCluster(Class<T> type, T message) {
    RecordCodec<T> codec = new RecordCodec<>(type);
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, message);
    assertSame(message, codec.transform(message), "locally the same instance");
    return codec.decodeFromWire(0, wire);
  }

  @Test
  void linkStatusTravelsAndKeepsItsJsonForm() {
    var status = new LinkStatus("n1", true, "connected", true, "sess_1", 41L, "0000001099511627817", 1L, 0,
        "2026-11-25T19:00:00.000Z", null);
    assertEquals(status, acrossTheCluster(LinkStatus.class, status));
    JsonObject json = status.toJson();
    assertEquals(41L, json.getLong("lastSeq"));
    assertEquals(List.of("nodeId", "holder", "state", "usable", "sessionId", "lastSeq", "headStreamId", "epoch",
        "reconnects", "since", "detail"), List.copyOf(json.fieldNames()));
    var standby = new LinkStatus("n2", false, "standby", false, null, null, null, null, 3, "2026-11-25T19:00:00.000Z",
        "Discord refused the intents (close 4014)");
    assertEquals(standby, acrossTheCluster(LinkStatus.class, standby));
    assertThrows(NullPointerException.class, () -> new LinkStatus(null, false, "standby", false, null, null, null, null, 0, "x", null));
  }

  @Test
  void anAckIsEitherAResultOrAnError() {
    var ok = UpstreamAck.delivered(null);
    assertEquals(new JsonObject(), ok.result());
    assertEquals(ok, acrossTheCluster(UpstreamAck.class, ok));
    var refused = UpstreamAck.refused(new UpstreamAck.UpstreamError("RATE_LIMITED", null, true, 1_500L));
    assertEquals(refused, acrossTheCluster(UpstreamAck.class, refused));
    assertEquals("", refused.error().message());
    JsonObject error = refused.error().toJson();
    assertEquals(1_500L, error.getLong("retryAfterMs"));
    assertNull(new UpstreamAck.UpstreamError("X", "m", false, null).toJson().getValue("retryAfterMs"));
    assertThrows(IllegalArgumentException.class, () -> new UpstreamAck(true, null, refused.error()));
    assertThrows(IllegalArgumentException.class, () -> new UpstreamAck(false, null, null));
    assertThrows(IllegalArgumentException.class, () -> new UpstreamAck.UpstreamError(" ", "m", false, null));
  }

  @Test
  void anIngestBatchHoldsOneToAThousandItems() {
    var batch = new IngestBatch("0123456789abcdef0123456789abcdef", new JsonArray().add(new JsonObject().put("v", 1)).add("x"));
    assertEquals(batch, acrossTheCluster(IngestBatch.class, batch));
    assertThrows(IllegalArgumentException.class, () -> new IngestBatch("t", new JsonArray()));
    var result = new IngestResult(1, 2, List.of(new IngestResult.Rejected(3, "bad")));
    assertEquals(result, acrossTheCluster(IngestResult.class, result));
    assertEquals(List.of(), new IngestResult(0, 0, null).rejected());
  }

  @Test
  void failureCodesAreReadBack() {
    assertNull(BusFailure.of(new IllegalStateException()));
    var failure = new ReplyException(ReplyFailure.RECIPIENT_FAILURE,
        BusFailure.LINK_DOWN.code(), "LINK_DOWN");
    assertEquals(BusFailure.LINK_DOWN, BusFailure.of(failure));
  }
}
