package dev.discordbridge.app;

import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.discord.DiscordRestCommands;
import dev.discordbridge.discord.DiscordUpstream;
import dev.discordbridge.link.EventIdWindow;
import dev.discordbridge.link.LinkMetrics;
import dev.discordbridge.link.Upstream;
import dev.discordbridge.link.hub.HubLink;
import io.vertx.core.Vertx;

/** The upstream the link holder holds: Discord itself in direct mode, the gateway hub otherwise. */
public final class Upstreams {
  private Upstreams() {}

  public static Upstream.Factory of(BridgeConfig config) {
    return config.direct() ? discord(config) : hub(config);
  }

  static Upstream.Factory hub(BridgeConfig config) {
    return new Upstream.Factory() {
      @Override
      public Upstream create(Vertx vertx, EventIdWindow seen, LinkMetrics metrics, Upstream.Listener listener) {
        return new HubLink(vertx, config, metrics, seen, listener);
      }

      @Override
      public String describe() {
        return "connecting to " + HubLink.shown(config.link().gatewayUrl());
      }
    };
  }

  static Upstream.Factory discord(BridgeConfig config) {
    return new Upstream.Factory() {
      @Override
      public Upstream create(Vertx vertx, EventIdWindow seen, LinkMetrics metrics, Upstream.Listener listener) {
        return new DiscordUpstream(vertx, seen, listener, DiscordRestCommands.create(vertx, config), config.discord());
      }

      @Override
      public String describe() {
        return "sequencing the Discord shards' events and sending commands to " + config.discord().apiBase();
      }
    };
  }
}
