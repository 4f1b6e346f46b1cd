package dev.discordbridge.stream;

import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;

/**
 * One open SSE stream: its precomputed filter, its pending bytes for this event-loop turn, and
 * where it stands in a replay. Owned by one {@link Fanout} (one event loop): no locking.
 */
final class SseConnection {
  final HttpConnection connection;
  final HttpServerResponse response;
  final String userId;
  final StreamFilter filter;
  final long expiresAtMillis;

  /** Composite component limit: above it Netty would consolidate (copy); a replay chunk stays below. */
  private static final int MAX_COMPONENTS = 1024;

  /**
   * Pending bytes: a single shared frame until a second one arrives before the write; then a
   * composite of the shared frames (no copy: one gathering write sends them all).
   */
  private Buffer single;
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
  /** Events (not control frames) among the pending bytes, for the delivered counter. */
  int pendingDeliveries;

  SseConnection(HttpConnection connection, HttpServerResponse response, String userId, StreamFilter filter, long expiresAtMillis) {
    this.connection = connection;
    this.response = response;
    this.userId = userId;
    this.filter = filter;
    this.expiresAtMillis = expiresAtMillis;
  }

  void append(Buffer frame) {
    if (pendingEvents == 0) {
      single = frame;
    } else {
      if (combined == null) {
        combined = Unpooled.compositeBuffer(MAX_COMPONENTS);
        combined.addComponent(true, VertxInternals.byteBuf(single));
        single = null;
      }
      combined.addComponent(true, VertxInternals.byteBuf(frame));
    }
    pendingEvents++;
    pendingBytes += frame.length();
  }

  boolean hasPending() {
    return pendingEvents > 0;
  }

  /** Takes the pending bytes (the caller writes them) and empties the queue. */
  Buffer takePending() {
    Buffer out = combined != null ? VertxInternals.buffer(combined) : single;
    single = null;
    combined = null;
    pendingEvents = 0;
    pendingBytes = 0;
    pendingDeliveries = 0;
    return out;
  }
}
