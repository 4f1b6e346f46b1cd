package dev.discordbridge.edge;

import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.config.Listeners;
import dev.discordbridge.edge.sse.SseConnection;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The public port's server options. Cleartext: HTTP/1.1 only. With TLS_CERT_FILE/TLS_KEY_FILE:
 * HTTPS with ALPN offering h2 then http/1.1, so a browser multiplexes all its SSE streams over one
 * connection instead of hitting its six-connections-per-origin limit.
 */
final class PublicServerOptions {
  /** RST_STREAM frames one HTTP/2 connection may send per window before it is closed (rapid reset, CVE-2023-44487). */
  static final int RST_FLOOD_MAX = 200;
  static final int RST_FLOOD_WINDOW_SECONDS = 30;
  /** The largest header list (HPACK-decoded) a client may send on one HTTP/2 stream. */
  static final long MAX_HEADER_LIST_BYTES = 16_384;

  private PublicServerOptions() {}

  /**
   * Cleartext HTTP/2 stays off: with h2c on, Vert.x sets a connection up only after its first bytes,
   * so a silent connection would escape the header timeout and the connection cap.
   *
   * <p>Strict thread mode: every request is handled and answered on this verticle's event loop
   * (bus replies and timers come back to it), so Vert.x may write to the channel directly. Each
   * connection then has no write queue of its own (a 4 KiB array per connection otherwise), and
   * nothing Vert.x writes can be held back behind the frames the fan-out writes below the HTTP
   * encoder ({@link SseConnection}).
   *
   * <p>Under TLS the TLS handshake must finish within HTTP_HEADER_TIMEOUT_MS (a socket that never
   * completes it is closed like one that never sends a request head); the HTTP/2 guards are in
   * {@link ConnectionGuard} and here: SETTINGS_MAX_CONCURRENT_STREAMS = HTTP2_MAX_STREAMS, a cap on
   * the header list, and Netty's rapid-reset detector.
   */
  static HttpServerOptions of(BridgeConfig config) {
    var options = new HttpServerOptions().setCompressionSupported(false).setTcpNoDelay(true).setAcceptBacklog(4096)
        .setHttp2ClearTextEnabled(false).setStrictThreadMode(true)
        .setIdleTimeout((int) config.http().idleTimeoutMs()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    Listeners listeners = config.listeners();
    if (listeners.tls()) {
      options.setSsl(true).setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(listeners.tlsCertFile().toString())
              .setKeyPath(listeners.tlsKeyFile().toString()))
          .setSslHandshakeTimeout(config.http().headerTimeoutMs()).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
          .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(listeners.http2MaxStreams())
              .setMaxHeaderListSize(MAX_HEADER_LIST_BYTES))
          .setHttp2RstFloodMaxRstFramePerWindow(RST_FLOOD_MAX)
          .setHttp2RstFloodWindowDuration(RST_FLOOD_WINDOW_SECONDS).setHttp2RstFloodWindowDurationTimeUnit(TimeUnit.SECONDS);
    }
    return LegacySocketEdge.applyLimits(options, config);
  }
}
