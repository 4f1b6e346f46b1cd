package dev.discordbridge.discord.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.discordbridge.discord.FakeDiscordGateway;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

class ZlibStreamInflaterTest {

  private static byte[] z(Deflater d, String s) {
    return FakeDiscordGateway.deflate(d, s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void messagesShareOneContextAndMayArriveInPieces() throws Exception {
    var deflater = new Deflater();
    var inflater = new ZlibStreamInflater(1 << 20);
    assertEquals("{\"op\":10}", inflater.push(Buffer.buffer(z(deflater, "{\"op\":10}"))));
    byte[] second = z(deflater, "{\"op\":0,\"t\":\"X\",\"d\":{\"é\":\"" + "ab".repeat(500) + "\"}}");
    int cut = second.length / 3;
    assertNull(inflater.push(Buffer.buffer(Arrays.copyOfRange(second, 0, cut))));
    assertNull(inflater.push(Buffer.buffer(Arrays.copyOfRange(second, cut, second.length - 2))));
    assertEquals("{\"op\":0,\"t\":\"X\",\"d\":{\"é\":\"" + "ab".repeat(500) + "\"}}",
        inflater.push(Buffer.buffer(Arrays.copyOfRange(second, second.length - 2, second.length))));
    assertEquals(0, inflater.pendingBytes());
    deflater.end();
  }

  @Test
  void aNewConnectionNeedsReset() throws Exception {
    var inflater = new ZlibStreamInflater(1 << 20);
    var first = new Deflater();
    inflater.push(Buffer.buffer(z(first, "one")));
    inflater.reset();
    assertEquals("two", inflater.push(Buffer.buffer(z(new Deflater(), "two"))));
  }

  @Test
  void garbageAndOversizedMessagesAreRefused() {
    var inflater = new ZlibStreamInflater(4096);
    assertThrows(DataFormatException.class,
        () -> inflater.push(Buffer.buffer(new byte[] {1, 2, 3, 4, 0, 0, (byte) 0xFF, (byte) 0xFF})));
    var small = new ZlibStreamInflater(4096);
    assertThrows(DataFormatException.class, () -> small.push(Buffer.buffer(z(new Deflater(), "x".repeat(10_000)))));
  }
}
