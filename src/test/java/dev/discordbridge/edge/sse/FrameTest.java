package dev.discordbridge.edge.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A frame as the socket gets it: one HTTP/1.1 chunk whose size line counts bytes, not characters. */
class FrameTest {
  @Test
  void theChunkIsTheHexByteLengthTheFrameAndCrlf() {
    String text = "event: x\ndata: {\"c\":\"héllo ✓ 😀\"}\n\n";
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    Frame f = Frame.of(text);
    assertEquals(Integer.toHexString(bytes) + "\r\n" + text + "\r\n", f.chunk().toString(StandardCharsets.UTF_8));
    assertEquals(text, f.raw().toString(StandardCharsets.UTF_8));
    assertEquals(bytes, f.length());
    assertEquals(text, f.toString());
  }

  @Test
  void eachWriteGetsItsOwnReaderIndexOverTheSameBytes() {
    Frame f = Frame.of("data: 1\n\n");
    ByteBuf first = f.chunk();
    first.skipBytes(first.readableBytes()); // what a socket write does to the buffer it was given
    ByteBuf second = f.chunk();
    assertEquals("9\r\ndata: 1\n\n\r\n", second.toString(StandardCharsets.UTF_8));
    first.release(); // a write releases what it wrote: the shared frame stays intact
    assertEquals("9\r\ndata: 1\n\n\r\n", f.chunk().toString(StandardCharsets.UTF_8));
  }
}
