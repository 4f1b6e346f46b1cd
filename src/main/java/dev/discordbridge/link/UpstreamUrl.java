package dev.discordbridge.link;

import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;

/** An upstream's {@code ws://} or {@code wss://} URL as what a WebSocket client connects to; the hub link and the Discord shards alike. */
public final class UpstreamUrl {
  private UpstreamUrl() {}

  /**
   * Host, port (the scheme's default when the URL has none), TLS for {@code wss}, path ({@code /}
   * when empty) and query, and the time allowed for the opening handshake.
   */
  public static WebSocketConnectOptions connectOptions(URI url, long timeoutMs) {
    boolean ssl = "wss".equalsIgnoreCase(url.getScheme());
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    return new WebSocketConnectOptions()
        .setHost(url.getHost())
        .setPort(url.getPort() > 0 ? url.getPort() : ssl ? 443 : 80)
        .setSsl(ssl)
        .setURI(url.getRawQuery() == null ? path : path + "?" + url.getRawQuery())
        .setTimeout(timeoutMs);
  }
}
