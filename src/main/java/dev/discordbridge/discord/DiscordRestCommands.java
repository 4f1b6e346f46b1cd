package dev.discordbridge.discord;

import dev.discordbridge.bus.MessageEcho;
import dev.discordbridge.bus.UpstreamAck;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.discord.rest.RestOptions;
import dev.discordbridge.discord.rest.RestRoute;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Direct mode's commands through {@link DiscordRest}, remembering why sending stopped for good
 * (Discord refused the bot token) so that the link status and /health/ready can say it.
 */
public final class DiscordRestCommands implements DiscordCommands, DiscordRest.Listener {
  private final DiscordRest rest;
  private final DiscordMetrics metrics;
  private String refusal;

  private DiscordRestCommands(Vertx vertx, BridgeConfig config) {
    this.metrics = new DiscordMetrics(config.node().id());
    this.rest = new DiscordRest(vertx, options(config), this).withAttribution(config.discord().attribution());
  }

  /** The link holder's client: create it on the holder's context. */
  public static DiscordRestCommands create(Vertx vertx, BridgeConfig config) {
    return new DiscordRestCommands(vertx, config);
  }

  /** A client for {@code /gateway/bot} alone (the shards' nodes), with nobody to tell about refusals but the log. */
  public static DiscordRest rest(Vertx vertx, BridgeConfig config) {
    return new DiscordRest(vertx, options(config), new DiscordRest.Listener() {
      @Override
      public void onUnauthorized(String detail) {}

      @Override
      public void onGuardTripped(String detail) {}
    });
  }

  public static RestOptions options(BridgeConfig config) {
    return RestOptions.of(config.discord());
  }

  @Override
  public Future<UpstreamAck> execute(GatewayCommand command) {
    return rest.execute(command).andThen(ar -> metrics.command(ar.failed() ? "link_down"
        : ar.result().ok() ? "delivered" : ar.result().error().retryable() ? "retryable" : "rejected"));
  }

  @Override
  public Future<java.util.List<String>> memberRoles(String guildId, String userId) {
    return rest.memberRoles(guildId, userId)
        .andThen(ar -> metrics.memberLookup(ar.failed() ? "failed" : ar.result() == null ? "not_member" : "member"));
  }

  @Override
  public Future<String> selfId() {
    return rest.selfId();
  }

  @Override
  public void observe(MessageEcho echo) {
    rest.observe(echo);
  }

  @Override
  public void threadParents(java.util.function.UnaryOperator<String> parentOf) {
    rest.threadParents(parentOf);
  }

  @Override
  public void onRateLimited(RestRoute route, String scope, long retryAfterMs) {
    metrics.rateLimited(scope);
  }

  @Override
  public String refusal() {
    return refusal;
  }

  @Override
  public Future<Void> close() {
    return rest.close();
  }

  @Override
  public void onUnauthorized(String detail) {
    refusal = "Discord refused the bot token (HTTP 401): reset it on the Bot page of the Developer Portal, set "
        + "DISCORD_BOT_TOKEN and restart";
  }

  @Override
  public void onGuardTripped(String detail) {
    // Temporary: the breaker half-opens by itself; commands wait in the queue meanwhile.
  }
}
