package dev.discordbridge.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.jackson.DatabindCodec;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Bus codec for one message record of the bus protocol. On one node the same immutable record
 * reaches the consumer (no copy); across the cluster it travels as JSON, mapped by Jackson
 * (records are read through their canonical constructor, so their validation runs again on the
 * receiving side). Registered once per Vert.x instance by {@link BusCodecs}.
 */
public final class RecordCodec<T extends Record> implements MessageCodec<T, T> {
  private final Class<T> type;

  public RecordCodec(Class<T> type) {
    this.type = type;
  }

  @Override
  public void encodeToWire(Buffer buffer, T message) {
    try {
      byte[] json = DatabindCodec.mapper().writeValueAsBytes(message);
      buffer.appendInt(json.length).appendBytes(json);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
    }
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    try {
      return DatabindCodec.mapper().readValue(buffer.getBytes(pos + 4, pos + 4 + length), type);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode " + type.getSimpleName(), e);
    }
  }

  @Override
  public T transform(T message) {
    return message;
  }

  @Override
  public String name() {
    return "bridge-" + type.getName();
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
