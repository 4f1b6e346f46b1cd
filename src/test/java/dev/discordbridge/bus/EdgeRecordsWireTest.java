package dev.discordbridge.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The edge's message records survive the cluster's JSON wire form (the demo ones can cross nodes). */
class EdgeRecordsWireTest {
  static <T extends Record> T roundTrip(Class<T> type, T message) {
    var codec = new RecordCodec<>(type);
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, message);
    return codec.decodeFromWire(0, wire);
  }

  @Test
  void demoRecords() {
    var roster = new DemoRoster(new JsonObject().put("users", new JsonArray().add(new JsonObject().put("id", "1"))));
    assertEquals(roster, roundTrip(DemoRoster.class, roster));
    assertEquals(new DemoDropout("1098764523409876481"), roundTrip(DemoDropout.class, new DemoDropout("1098764523409876481")));
    var outcome = new DemoDropoutOutcome(DemoDropoutOutcome.Status.SCHEDULED, "1", "2", "voice", true,
        "2026-12-02T10:00:00.000Z");
    assertEquals(outcome, roundTrip(DemoDropoutOutcome.class, outcome));
    assertEquals(DemoDropoutOutcome.NOT_LINKED, roundTrip(DemoDropoutOutcome.class, DemoDropoutOutcome.NOT_LINKED));
  }

  @Test
  void legacyRecords() {
    var in = new LegacyInbound("0".repeat(32), "ws_1", "u", List.of("g"), "{\"type\":\"ping\"}", 2);
    assertEquals(in, roundTrip(LegacyInbound.class, in));
    var answer = new LegacyAnswer("x", "g", true, 1008, "too many");
    assertEquals(answer, roundTrip(LegacyAnswer.class, answer));
    var open = new LegacyConnection(LegacyConnection.Event.OPEN, "ws_1", "u", "n", null, List.of(), "o", "ua");
    assertEquals(open, roundTrip(LegacyConnection.class, open));
    assertEquals(new LegacyBroadcast("g", "f"), roundTrip(LegacyBroadcast.class, new LegacyBroadcast("g", "f")));
    assertEquals(new LegacyBroadcast("g", "c", "f"), roundTrip(LegacyBroadcast.class, new LegacyBroadcast("g", "c", "f")));
    assertEquals(new ReplayFetch("i"), roundTrip(ReplayFetch.class, new ReplayFetch("i")));
  }
}
