package dev.discordbridge.edge.sse;

import dev.discordbridge.edge.EdgeDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponseEncoder;
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
public final class VertxInternals {
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

  /** A Vert.x buffer over a Netty buffer (a composite or an unreleasable direct frame), without a copy. */
  static Buffer buffer(ByteBuf byteBuf) {
    return BufferInternal.buffer(byteBuf);
  }

  /**
   * The Netty channel under a Vert.x HTTP connection, for the connection guard's graceful close.
   * Vert.x has no public accessor: its connections extend ConnectionBase (an impl class) in 4.x
   * and 5.x; anything else yields null and is left alone.
   */
  public static Channel channel(HttpConnection connection) {
    return connection instanceof ConnectionBase base ? base.channel() : null;
  }

  /** The name Vert.x gives its HTTP/1.x response encoder in a server connection's pipeline. */
  private static final String HTTP_ENCODER = "httpEncoder";
  /** The name of the handshake handler Vert.x adds for WebSocket compression (per-message, per-frame). */
  private static final String WEBSOCKET_EXTENSIONS = "webSocketExtensionHandler";

  /**
   * The pipeline context of the HTTP/1.x response encoder, or null (another protocol, or a
   * pipeline Vert.x laid out otherwise). A write through it reaches only the handlers below the
   * encoder (and the socket), so what is written must be framed already: the stream's frames are
   * stored as HTTP chunks ({@link Frame}). Vert.x offers no public way to write pre-encoded bytes
   * into a response.
   */
  static ChannelHandlerContext belowHttpEncoder(HttpConnection connection) {
    Channel channel = channel(connection);
    if (channel == null) {
      return null;
    }
    ChannelHandlerContext ctx = channel.pipeline().context(HTTP_ENCODER);
    return ctx != null && ctx.handler() instanceof HttpResponseEncoder ? ctx : null;
  }

  /**
   * Removes the WebSocket extension handshaker from a connection that carries an SSE stream: the
   * connection can never be upgraded any more, and the handler sat in the path of every write and
   * held per-connection handshaker objects. No public API can leave it out for some connections only.
   */
  static void dropWebSocketExtensions(HttpConnection connection) {
    Channel channel = channel(connection);
    if (channel != null && channel.pipeline().get(WEBSOCKET_EXTENSIONS) != null) {
      channel.pipeline().remove(WEBSOCKET_EXTENSIONS);
    }
  }
}
