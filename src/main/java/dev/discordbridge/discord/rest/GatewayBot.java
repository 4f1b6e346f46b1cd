package dev.discordbridge.discord.rest;

import io.vertx.core.json.JsonObject;

/**
 * Discord's answer to {@code GET /gateway/bot}: where to connect, how many shards Discord
 * recommends, and how many sessions may still be started ({@code session_start_limit}).
 */
public record GatewayBot(String url, int shards, SessionStartLimit sessionStartLimit) {

  public GatewayBot {
    if (url == null || !(url.startsWith("wss://") || url.startsWith("ws://"))) {
      throw new IllegalArgumentException("the gateway url must be ws:// or wss://");
    }
    if (!GatewayUrls.encrypted(java.net.URI.create(url))) {
      throw new IllegalArgumentException("the gateway url must be wss:// (ws:// only to a loopback address), got "
          + GatewayUrls.shown(java.net.URI.create(url)));
    }
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be at least 1");
    }
    if (sessionStartLimit == null) {
      throw new IllegalArgumentException("session_start_limit is required");
    }
  }

  /**
   * @param total          sessions allowed per reset period
   * @param remaining      sessions left
   * @param resetAfterMs   milliseconds until {@code remaining} resets
   * @param maxConcurrency identifies allowed per 5 seconds
   */
  public record SessionStartLimit(int total, int remaining, long resetAfterMs, int maxConcurrency) {
    public SessionStartLimit {
      if (total < 0 || remaining < 0 || resetAfterMs < 0 || maxConcurrency < 1) {
        throw new IllegalArgumentException("session_start_limit out of range");
      }
    }
  }

  /** Parses Discord's JSON; throws IllegalArgumentException naming what is missing or wrong. */
  public static GatewayBot fromJson(JsonObject o) {
    try {
      JsonObject l = o.getJsonObject("session_start_limit");
      if (l == null) {
        throw new IllegalArgumentException("session_start_limit is required");
      }
      return new GatewayBot(o.getString("url"), number(o, "shards").intValue(),
          new SessionStartLimit(number(l, "total").intValue(), number(l, "remaining").intValue(),
              number(l, "reset_after").longValue(), number(l, "max_concurrency").intValue()));
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("GET /gateway/bot answered with a field of the wrong type", e);
    }
  }

  private static Number number(JsonObject o, String field) {
    Number n = o.getNumber(field);
    if (n == null) {
      throw new IllegalArgumentException(field + " is required in the /gateway/bot answer");
    }
    return n;
  }
}
