package dev.discordbridge.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  record Sample(String id, long at, Long optional, List<String> names, JsonObject data, Kind kind) {
    Sample {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("id is required");
      }
    }
  }

  enum Kind { A, B }

  private final RecordCodec<Sample> codec = new RecordCodec<>(Sample.class);

  @Test
  void aRecordCrossesTheWireIntactAfterOtherBytes() {
    var sample = new Sample("x1", 42L, null, List.of("a", "b"), new JsonObject().put("k", 1).put("n", (String) null), Kind.B);
    Buffer wire = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(wire, sample);
    assertEquals(sample, codec.decodeFromWire(6, wire));
  }

  @Test
  void locallyTheSameInstanceIsDelivered() {
    var sample = new Sample("x1", 1L, 2L, List.of(), new JsonObject(), Kind.A);
    assertSame(sample, codec.transform(sample));
  }

  @Test
  void aRecordThatBreaksItsRulesIsRefusedOnTheReceivingSide() {
    Buffer wire = Buffer.buffer();
    byte[] json = "{\"id\":\" \",\"at\":1}".getBytes();
    wire.appendInt(json.length).appendBytes(json);
    assertThrows(UncheckedIOException.class, () -> codec.decodeFromWire(0, wire));
  }
}
