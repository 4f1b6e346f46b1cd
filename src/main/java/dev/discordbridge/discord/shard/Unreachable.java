package dev.discordbridge.discord.shard;

import dev.discordbridge.discord.rest.GatewayUrls;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Why Discord could not be reached, in the words an operator looks for: name resolution,
 * connection refused, no route, TLS, timeout (the first such cause in the chain), else the
 * exception's class and message. Used in the log and in {@code /health/ready}.
 */
final class Unreachable {
  private Unreachable() {}

  static String describe(Throwable t) {
    for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
      String kind = kind(c);
      if (kind != null) {
        return kind + " (" + GatewayUrls.describe(c) + ")";
      }
    }
    return GatewayUrls.describe(t);
  }

  private static String kind(Throwable c) {
    String name = c.getClass().getName();
    if (c instanceof UnknownHostException || name.contains("DnsNameResolver")) {
      return "name resolution failed";
    }
    if (c instanceof SSLException || name.contains("NotSslRecord") || name.contains("SslHandshake")) {
      return "TLS failed";
    }
    if (c instanceof TimeoutException || c instanceof SocketTimeoutException || name.endsWith("TimeoutException")) {
      return "timed out";
    }
    if (c instanceof NoRouteToHostException) {
      return "no route to host";
    }
    if (c instanceof ConnectException) {
      String m = String.valueOf(c.getMessage()).toLowerCase(java.util.Locale.ROOT);
      return m.contains("refused") ? "connection refused" : "connection failed";
    }
    return null;
  }
}
