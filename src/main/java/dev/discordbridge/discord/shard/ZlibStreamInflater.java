package dev.discordbridge.discord.shard;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Discord's {@code zlib-stream} transport compression: ONE zlib context for the whole
 * connection; binary messages are appended to a buffer until it ends with the
 * {@code Z_SYNC_FLUSH} suffix {@code 00 00 FF FF}, then the buffer is inflated into one JSON
 * text. A message may arrive in several WebSocket messages. One instance per connection:
 * {@link #reset()} for a new connection, {@link #close()} to free the native memory.
 */
public final class ZlibStreamInflater {
  private static final int CHUNK = 64 * 1024;

  private final int maxBytes;
  private final Inflater inflater = new Inflater();
  private final byte[] chunk = new byte[CHUNK];
  private Buffer pending = Buffer.buffer();

  /** @param maxBytes the largest message accepted, compressed and inflated alike */
  public ZlibStreamInflater(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * Adds one WebSocket message.
   *
   * @return the inflated text when {@code data} completed a message, else null
   * @throws DataFormatException when the data is not a valid zlib stream or a message exceeds
   *     the limit (the connection cannot go on: its zlib context is broken)
   */
  public String push(Buffer data) throws DataFormatException {
    if (pending.length() + data.length() > maxBytes) {
      pending = Buffer.buffer();
      throw new DataFormatException("compressed message larger than " + maxBytes + " bytes");
    }
    pending.appendBuffer(data);
    int n = pending.length();
    if (n < 4 || pending.getByte(n - 4) != 0 || pending.getByte(n - 3) != 0
        || pending.getByte(n - 2) != (byte) 0xFF || pending.getByte(n - 1) != (byte) 0xFF) {
      return null;
    }
    byte[] input = pending.getBytes();
    pending = Buffer.buffer();
    inflater.setInput(input);
    var out = new ByteArrayOutputStream(Math.min(maxBytes, input.length * 4));
    while (true) {
      int got = inflater.inflate(chunk);
      if (got > 0) {
        if (out.size() + got > maxBytes) {
          throw new DataFormatException("inflated message larger than " + maxBytes + " bytes");
        }
        out.write(chunk, 0, got);
      } else if (inflater.needsDictionary()) {
        throw new DataFormatException("zlib stream asks for a preset dictionary");
      } else {
        break; // all input consumed (needsInput) or the stream ended
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Bytes received that do not yet end a message. */
  public int pendingBytes() {
    return pending.length();
  }

  /** A new connection: a new zlib context. */
  public void reset() {
    inflater.reset();
    pending = Buffer.buffer();
  }

  public void close() {
    inflater.end();
    pending = Buffer.buffer();
  }
}
