package dev.discordbridge.discord.rest;

import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.discord.DiscordRest;
import dev.discordbridge.discord.FakeDiscordRest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Commands, ids and a recording listener for the REST tests. */
public final class RestFixtures {
  public static final String TOKEN = "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.secret-bot-token_value";
  public static final String GUILD = "1181471853712130048";
  public static final String CH1 = "1181471853712130052";
  public static final String CH2 = "1181471853712130053";
  public static final String MSG = "1181471853712130099";

  /** The URL in the User-Agent the tests send (DISCORD_USER_AGENT_URL in production). */
  public static final String USER_AGENT_URL = "https://bridge.test/discord-bridge";

  private RestFixtures() {}

  public static GatewayCommand message(String id, String channel, String content) {
    return command(id, GatewayCommand.SEND_MESSAGE, channel, new JsonObject().put("content", content));
  }

  public static GatewayCommand reaction(String id, String channel, String name, String emojiId) {
    return command(id, GatewayCommand.ADD_REACTION, channel, new JsonObject().put("messageId", MSG)
        .put("emoji", new JsonObject().put("name", name).put("id", emojiId)));
  }

  public static GatewayCommand typing(String id, String channel) {
    return command(id, GatewayCommand.TYPING_START, channel, new JsonObject());
  }

  public static GatewayCommand command(String id, String name, String channel, JsonObject data) {
    return new GatewayCommand(id, name, GUILD, channel, "1098764523409876482", data,
        "4bf92f3577b34da6a3ce929d0e0e4736", System.currentTimeMillis());
  }

  /** Options for the fake: short timeouts, everything else within Discord's limits. */
  public static RestOptions options(FakeDiscordRest fake) {
    return RestOptions.of(fake.apiBaseUri(), TOKEN, USER_AGENT_URL).withTimeouts(2_000, 5_000);
  }

  /** A channel id of its own for {@code i}. */
  public static String channel(int i) {
    return Long.toString(1181471853712130100L + i);
  }

  public static FakeDiscordRest fake(Vertx vertx) {
    FakeDiscordRest fake = new FakeDiscordRest(vertx, TOKEN);
    fake.start().await();
    return fake;
  }

  /** A listener that writes down what it hears (from any thread). */
  public static final class Heard implements DiscordRest.Listener {
    public final List<String> unauthorized = Collections.synchronizedList(new ArrayList<>());
    final List<String> tripped = Collections.synchronizedList(new ArrayList<>());
    final List<String> rateLimited = Collections.synchronizedList(new ArrayList<>());
    /** Run on the client's context right after a 429 was taken in. */
    volatile Runnable afterRateLimit = () -> {};

    @Override
    public void onUnauthorized(String detail) {
      unauthorized.add(detail);
    }

    @Override
    public void onGuardTripped(String detail) {
      tripped.add(detail);
    }

    @Override
    public void onRateLimited(RestRoute route, String scope, long retryAfterMs) {
      rateLimited.add(scope);
      afterRateLimit.run();
    }
  }
}
