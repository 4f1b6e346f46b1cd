package dev.discordbridge.contract;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;

/**
 * Bus codec for {@link StreamEvent}. Locally the same immutable instance reaches every consumer
 * (no copy per consumer); across the cluster it travels as its already-serialized JSON.
 * Registered once, right after Vert.x is built, as the default codec of the class.
 */
public final class StreamEventCodec implements MessageCodec<StreamEvent, StreamEvent> {

  @Override
  public void encodeToWire(Buffer buffer, StreamEvent e) {
    byte[] json = e.json().getBytes(StandardCharsets.UTF_8);
    byte[] eventId = e.eventId() == null ? new byte[0] : e.eventId().getBytes(StandardCharsets.UTF_8);
    buffer.appendByte((byte) e.kind().ordinal())
        .appendLong(e.streamId())
        .appendLong(e.receivedAt())
        .appendLong(e.linkSeq() == null ? -1 : e.linkSeq())
        .appendInt(eventId.length)
        .appendBytes(eventId)
        .appendInt(json.length)
        .appendBytes(json);
  }

  @Override
  public StreamEvent decodeFromWire(int pos, Buffer buffer) {
    StreamEvent.Kind kind = StreamEvent.Kind.values()[buffer.getByte(pos)];
    long streamId = buffer.getLong(pos + 1);
    long receivedAt = buffer.getLong(pos + 9);
    long linkSeq = buffer.getLong(pos + 17);
    int idLen = buffer.getInt(pos + 25);
    String eventId = idLen == 0 ? null : buffer.getString(pos + 29, pos + 29 + idLen, "UTF-8");
    int at = pos + 29 + idLen;
    int len = buffer.getInt(at);
    String json = buffer.getString(at + 4, at + 4 + len, "UTF-8");
    return StreamEvent.fromWire(kind, streamId, receivedAt, json, eventId, linkSeq < 0 ? null : linkSeq);
  }

  /** How many bytes the event encoded at {@code pos} takes (to read several from one buffer). */
  public static int encodedLength(Buffer buffer, int pos) {
    int idLen = buffer.getInt(pos + 25);
    return 29 + idLen + 4 + buffer.getInt(pos + 29 + idLen);
  }

  @Override
  public StreamEvent transform(StreamEvent e) {
    return e;
  }

  @Override
  public String name() {
    return "bridge-stream-event";
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
