package dev.discordbridge.discord;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The whole fake Discord a bridge in direct mode talks to: the REST server
 * ({@link FakeDiscordRest}, whose {@code /gateway/bot} points at the gateway) and the gateway
 * ({@link FakeDiscordGateway}). Point a bridge at it with {@link #settings}.
 *
 * <p>As Discord does, a message the bot creates comes back on the gateway as the bot's own
 * MESSAGE_CREATE, nonce included, on the shard of the channel's guild ({@link #echoes}); the
 * guilds registered with {@link #guild} are sent to every new session after READY.
 */
public final class FakeDiscord {
  public final FakeDiscordGateway gateway;
  public final FakeDiscordRest rest;
  private final Map<String, String> guildOfChannel = new ConcurrentHashMap<>();
  private volatile boolean echoes = true;
  private volatile int shards = 1;

  /** The owner of every fake guild (nobody the tests act as). */
  public static final String OWNER_ID = "1181471853712139999";
  /** What {@code @everyone} may do in a fake guild unless a test says otherwise: read and chat. */
  public static final long EVERYONE = (1L << 10) | (1L << 11) | (1L << 16) | (1L << 6) | (1L << 38);

  private FakeDiscord(FakeDiscordGateway gateway, FakeDiscordRest rest) {
    this.gateway = gateway;
    this.rest = rest;
    rest.onMessageCreated(this::echo);
  }

  /**
   * A guild of the bot with these text channels (ids) and threads ({@code [id, parentId]} pairs):
   * sent after READY as a GUILD_CREATE with {@code channels} and {@code threads}.
   */
  public FakeDiscord guild(String guildId, java.util.List<String> channels, java.util.List<String[]> threads) {
    JsonArray cs = new JsonArray();
    channels.forEach(c -> {
      cs.add(new JsonObject().put("id", c).put("type", 0).put("guild_id", guildId).put("name", "c" + c));
      guildOfChannel.put(c, guildId);
    });
    JsonArray ts = new JsonArray();
    threads.forEach(t -> {
      ts.add(new JsonObject().put("id", t[0]).put("parent_id", t[1]).put("type", 11).put("guild_id", guildId));
      guildOfChannel.put(t[0], guildId);
    });
    gateway.guild(new JsonObject().put("id", guildId).put("name", "guild " + guildId).put("channels", cs)
        .put("threads", ts).put("voice_states", new JsonArray()).put("members", new JsonArray())
        .put("owner_id", OWNER_ID).put("roles", new JsonArray().add(new JsonObject().put("id", guildId)
            .put("name", "@everyone").put("permissions", Long.toString(EVERYONE)))));
    return this;
  }

  /** Whether created messages come back on the gateway (off: the echo is missed, e.g. a node restarted). */
  public FakeDiscord echoes(boolean on) {
    echoes = on;
    return this;
  }

  private void echo(JsonObject message) {
    String guildId = guildOfChannel.get(message.getString("channel_id"));
    if (!echoes || guildId == null) {
      return;
    }
    try {
      gateway.dispatch(FakeDiscordGateway.shardOf(guildId, shards), "MESSAGE_CREATE", message.put("guild_id", guildId));
    } catch (RuntimeException e) {
      // no session on that shard: the echo is lost, as it would be at Discord while disconnected
    }
  }

  /** Starts both servers on 127.0.0.1; {@code /gateway/bot} recommends {@code shards} shards. */
  public static Future<FakeDiscord> start(Vertx vertx, String token, int shards, int maxConcurrency) {
    var gateway = new FakeDiscordGateway(vertx, token);
    var rest = new FakeDiscordRest(vertx, token);
    return gateway.start().compose(g -> rest.start()).map(v -> {
      gateway.requiredShards(1);
      FakeDiscord fake = new FakeDiscord(gateway, rest);
      fake.shards = shards;
      rest.gatewayBot(gateway.url(), shards, new JsonObject().put("total", 1000).put("remaining", 1000)
          .put("reset_after", 86_400_000).put("max_concurrency", maxConcurrency));
      return fake;
    });
  }

  /** The environment of a bridge in direct mode against this fake. */
  public Map<String, String> settings(String token) {
    Map<String, String> env = new HashMap<>();
    env.put("DISCORD_BOT_TOKEN", token);
    env.put("DISCORD_API_BASE", rest.apiBase());
    // The bot posts as itself unless a test is about attribution (DirectAttributionTest sets webhook or prefix).
    env.put("DISCORD_ATTRIBUTION", "none");
    return env;
  }

  public Future<Void> stop() {
    return gateway.stop().compose(v -> rest.close());
  }
}
