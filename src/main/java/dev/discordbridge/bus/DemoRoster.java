package dev.discordbridge.bus;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * {@link Addresses#DEMO_ROSTER} reply (the request has no body): the simulated hub's guilds,
 * channels, users and emojis, in the shape the page reads ({@code {"guilds", "users", "emojis"}}).
 */
public record DemoRoster(JsonObject roster) {
  public DemoRoster {
    Objects.requireNonNull(roster, "roster");
  }
}
