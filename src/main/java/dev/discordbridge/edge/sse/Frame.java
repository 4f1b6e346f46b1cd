package dev.discordbridge.edge.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One SSE frame, stored already framed as an HTTP/1.1 chunk ({@code <hex length>\r\n<frame>\r\n})
 * in off-heap memory that the GC frees, wrapped unreleasable. A stream on an HTTP/1.1 connection
 * gets the chunk as is, written below Netty's HTTP encoder ({@link SseConnection}): no chunk header
 * allocated, encoded and joined per write. Any other connection gets {@link #raw()}, the frame
 * alone, through Vert.x's response. Built once per event per router instance, shared by every
 * stream it is written to, and immutable: each write takes its own duplicate (reader index).
 */
final class Frame {
  private final ByteBuf chunk;
  private final int headerLength;
  private final int length;

  private Frame(ByteBuf chunk, int headerLength, int length) {
    this.chunk = chunk;
    this.headerLength = headerLength;
    this.length = length;
  }

  static Frame of(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] header = (Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    ByteBuffer direct = ByteBuffer.allocateDirect(header.length + bytes.length + 2)
        .put(header).put(bytes).put((byte) '\r').put((byte) '\n').flip();
    return new Frame(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(direct)), header.length, bytes.length);
  }

  /** The whole HTTP chunk, for a write below the HTTP encoder: a fresh duplicate, the bytes shared. */
  ByteBuf chunk() {
    return chunk.duplicate();
  }

  /** The frame's bytes alone (no chunk framing), for a write through Vert.x. */
  ByteBuf raw() {
    return chunk.slice(headerLength, length);
  }

  /** The frame's size in bytes, without the chunk framing. */
  int length() {
    return length;
  }

  Buffer toBuffer() {
    return VertxInternals.buffer(raw());
  }

  @Override
  public String toString() {
    return raw().toString(StandardCharsets.UTF_8);
  }
}
