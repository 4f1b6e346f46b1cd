package dev.discordbridge.discord.rest;

import dev.discordbridge.config.BridgeConfig;
import java.net.URI;

/** How the shard checks and shows gateway URLs and failures in its logs (never with a query or a token). */
public final class GatewayUrls {
  private GatewayUrls() {}

  /** A resume_gateway_url the bridge can use: ws:// or wss://, a host, no query. */
  public static boolean validResumeUrl(String url) {
    if (url == null || !(url.startsWith("ws://") || url.startsWith("wss://"))) {
      return false;
    }
    try {
      URI u = URI.create(url);
      return u.getHost() != null && u.getRawQuery() == null && encrypted(u);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** wss://, or ws:// to a loopback host written literally: the token goes over this connection. */
  static boolean encrypted(URI u) {
    if ("wss".equalsIgnoreCase(u.getScheme())) {
      return true;
    }
    return BridgeConfig.isLoopback(u.getHost());
  }

  /** A URL as logs may show it: scheme, host, port and path (the query holds nothing secret, but is noise). */
  public static String shown(URI url) {
    return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "")
        + (url.getRawPath() == null ? "" : url.getRawPath());
  }

  public static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 200 ? m.substring(0, 200) : m));
  }
}
