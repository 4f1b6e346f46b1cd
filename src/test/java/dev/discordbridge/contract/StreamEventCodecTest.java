package dev.discordbridge.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class StreamEventCodecTest {
  private final StreamEventCodec codec = new StreamEventCodec();

  private static StreamEvent sample(long id, Long seq) {
    var e = GatewayEvent.fromJson(new JsonObject()
        .put("id", "evt_" + id).put("name", "messageCreate").put("guildId", "112233445566778899")
        .put("channelId", "223344556677889900").put("occurredAt", "2026-11-25T19:00:00.000Z")
        .put("data", new JsonObject().put("messageId", "334455667788990011")
            .put("author", new JsonObject().put("id", "445566778899001122").put("username", "ana"))
            .put("content", "héllo ✓")), n -> false);
    return StreamEvent.of(e, id, seq, seq != null, 1_000, 2_000);
  }

  @Test
  void roundTripsEveryFieldAcrossTheWire() {
    StreamEvent e = sample(StreamIds.of(5, 9), 42L);
    Buffer b = Buffer.buffer();
    codec.encodeToWire(b, e);
    StreamEvent back = codec.decodeFromWire(0, b);
    assertEquals(e.streamId(), back.streamId());
    assertEquals(e.json(), back.json());
    assertEquals("evt_" + e.streamId(), back.eventId());
    assertEquals(42L, back.linkSeq());
    assertEquals(e.guildId(), back.guildId());
    assertEquals(e.data(), back.data());
    assertEquals(b.length(), StreamEventCodec.encodedLength(b, 0));
  }

  @Test
  void severalEventsInOneBufferAreReadBackInOrder() {
    Buffer b = Buffer.buffer();
    codec.encodeToWire(b, sample(1, null));
    codec.encodeToWire(b, StreamEvent.reset(2, "session_invalidated"));
    codec.encodeToWire(b, sample(3, 7L));
    int pos = 0;
    long[] ids = new long[3];
    for (int i = 0; i < 3; i++) {
      ids[i] = codec.decodeFromWire(pos, b).streamId();
      pos += StreamEventCodec.encodedLength(b, pos);
    }
    assertEquals(b.length(), pos);
    assertEquals(1, ids[0]);
    assertEquals(2, ids[1]);
    assertEquals(3, ids[2]);
    assertNull(codec.decodeFromWire(0, b).linkSeq(), "an ingested event has no link seq");
  }

  @Test
  void localDeliverySharesTheInstance() {
    StreamEvent e = sample(1, 1L);
    assertSame(e, codec.transform(e));
  }
}
