package dev.discordbridge.edge.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.VoidChannelPromise;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;

/**
 * One open SSE stream: its precomputed filter, its pending bytes for this event-loop turn, and
 * where it stands in a replay. Owned by one {@link Fanout} (one event loop): no locking.
 *
 * <p>On an HTTP/1.1 connection (all of them: the server speaks no HTTP/2) the pending frames are
 * written as ready-made HTTP chunks through the pipeline context of Netty's HTTP encoder, i.e.
 * to the handlers below it, with a void promise: no Vert.x write queue, HTTP content object,
 * chunk encoding, promise or per-write metrics call. The response head and the stream's end still
 * go through Vert.x's response; the server runs in strict thread mode, so Vert.x writes straight to
 * the channel too (no queue of its own that could reorder the two), and its writability (used for
 * back-pressure and the drain handler) is the channel's.
 */
public final class SseConnection {
  final HttpConnection connection;
  final HttpServerResponse response;
  /** The HTTP encoder's context, or null: then frames go through {@link #response}. */
  private final ChannelHandlerContext below;
  private final ChannelPromise voidPromise;
  final String userId;
  final StreamFilter filter;
  final long expiresAtMillis;

  /** Composite component limit: above it Netty would consolidate (copy); a replay chunk stays below. */
  private static final int MAX_COMPONENTS = 1024;

  /**
   * Pending bytes: a single shared frame until a second one arrives before the write; then a
   * composite of the shared frames (no copy: one gathering write sends them all).
   */
  private ByteBuf single;
  private CompositeByteBuf combined;
  int pendingEvents;
  int pendingBytes;

  /** Position in the fan-out's list of all streams (O(1) removal). */
  int index;
  long lastWriteAt;
  boolean dirty;
  boolean closed;
  /** In replay: the id of the last window entry examined; live events wait in the window meanwhile. */
  boolean replaying;
  long cursor = -1;
  /** Live events with ids up to this one were already delivered by another instance (AHEAD resume). */
  long skipThrough = -1;
  /** The stream's node-wide key in {@link UserStreams} (older streams have smaller keys); -1 before it has one. */
  long userKey = -1;
  /** Events (not control frames) among the pending bytes, for the delivered counter. */
  int pendingDeliveries;
  /**
   * Direct mode with Discord's permissions: guild → the channels this caller may view there,
   * recomputed when the guild's permissions or the caller's roles change; null: no such filter.
   */
  java.util.Map<String, java.util.Set<String>> visible;

  /** Whether the caller may view the channel (two hash lookups; always true without permission filtering). */
  boolean views(String guildId, String channelId) {
    if (visible == null) {
      return true;
    }
    java.util.Set<String> channels = visible.get(guildId);
    return channels != null && channels.contains(channelId);
  }

  SseConnection(HttpConnection connection, HttpServerResponse response, String userId, StreamFilter filter, long expiresAtMillis) {
    this.connection = connection;
    this.response = response;
    this.below = VertxInternals.belowHttpEncoder(connection);
    this.voidPromise = below == null ? null : new VoidChannelPromise(below.channel(), false);
    this.userId = userId;
    this.filter = filter;
    this.expiresAtMillis = expiresAtMillis;
  }

  void append(Frame frame) {
    ByteBuf bytes = below != null ? frame.chunk() : frame.raw();
    if (pendingEvents == 0) {
      single = bytes;
    } else {
      if (combined == null) {
        combined = Unpooled.compositeBuffer(MAX_COMPONENTS);
        combined.addComponent(true, single);
        single = null;
      }
      combined.addComponent(true, bytes);
    }
    pendingEvents++;
    pendingBytes += frame.length();
  }

  boolean hasPending() {
    return pendingEvents > 0;
  }

  /** Whether the socket takes more bytes now (else the drain handler says when it does). */
  boolean writable() {
    return below != null ? below.channel().isWritable() : !response.writeQueueFull();
  }

  /** Writes the pending bytes and empties the queue. */
  void writePending() {
    ByteBuf out = combined != null ? combined : single;
    dropPending();
    if (below != null) {
      below.writeAndFlush(out, voidPromise);
    } else {
      response.write(VertxInternals.buffer(out));
    }
  }

  /** Forgets the pending bytes (the stream is cut off). */
  void dropPending() {
    single = null;
    combined = null;
    pendingEvents = 0;
    pendingBytes = 0;
    pendingDeliveries = 0;
  }
}
