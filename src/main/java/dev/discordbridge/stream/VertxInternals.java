package dev.discordbridge.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The one place the edge reaches into Vert.x internals (besides {@link EdgeDecoder}, which must
 * extend Vert.x's internal request decoder to sit in its pipeline). Each use says why no public API
 * does. The methods are static and tiny: the JIT inlines them, so the fan-out's hot path pays
 * nothing for the indirection.
 */
final class VertxInternals {
  private VertxInternals() {}

  /**
   * The Netty loop that runs a context: the fan-out schedules its flush "after this loop
   * iteration", which only the Netty loop offers (a plain runOnContext waits behind queued tasks).
   */
  static EventLoop eventLoop(Context context) {
    return ((ContextInternal) context).nettyEventLoop();
  }

  /** Runs a handler on the context from its own loop, without a task hop (a tail task of the Netty loop). */
  static Runnable dispatcher(Context context, Handler<Void> handler) {
    ContextInternal ci = (ContextInternal) context;
    return () -> ci.dispatch(handler);
  }

  /** The Netty buffer under a Vert.x buffer: shared frames join a composite without a copy. */
  static ByteBuf byteBuf(Buffer buffer) {
    return ((BufferInternal) buffer).getByteBuf();
  }

  /** A Vert.x buffer over a Netty buffer (a composite or an unreleasable direct frame), without a copy. */
  static Buffer buffer(ByteBuf byteBuf) {
    return BufferInternal.buffer(byteBuf);
  }

  /**
   * The Netty channel under a Vert.x HTTP connection, for the connection guard's graceful close.
   * Vert.x has no public accessor: its connections extend ConnectionBase (an impl class) in 4.x
   * and 5.x; anything else yields null and is left alone.
   */
  static Channel channel(HttpConnection connection) {
    return connection instanceof ConnectionBase base ? base.channel() : null;
  }
}
