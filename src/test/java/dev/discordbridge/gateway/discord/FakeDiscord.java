package dev.discordbridge.gateway.discord;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * The whole fake Discord a bridge in direct mode talks to: the REST server
 * ({@link FakeDiscordRest}, whose {@code /gateway/bot} points at the gateway) and the gateway
 * ({@link FakeDiscordGateway}). Point a bridge at it with {@link #settings}.
 */
final class FakeDiscord {
  final FakeDiscordGateway gateway;
  final FakeDiscordRest rest;

  private FakeDiscord(FakeDiscordGateway gateway, FakeDiscordRest rest) {
    this.gateway = gateway;
    this.rest = rest;
  }

  /** Starts both servers on 127.0.0.1; {@code /gateway/bot} recommends {@code shards} shards. */
  static Future<FakeDiscord> start(Vertx vertx, String token, int shards, int maxConcurrency) {
    var gateway = new FakeDiscordGateway(vertx, token);
    var rest = new FakeDiscordRest(vertx, token);
    return gateway.start().compose(g -> rest.start()).map(v -> {
      gateway.requiredShards(1);
      rest.gatewayBot(gateway.url(), shards, new JsonObject().put("total", 1000).put("remaining", 1000)
          .put("reset_after", 86_400_000).put("max_concurrency", maxConcurrency));
      return new FakeDiscord(gateway, rest);
    });
  }

  /** The environment of a bridge in direct mode against this fake. */
  Map<String, String> settings(String token) {
    Map<String, String> env = new HashMap<>();
    env.put("DISCORD_BOT_TOKEN", token);
    env.put("DISCORD_API_BASE", rest.apiBase());
    return env;
  }

  Future<Void> stop() {
    return gateway.stop().compose(v -> rest.close());
  }
}
