package dev.discordbridge.discord.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.discord.DiscordRestCommands;
import java.net.URI;
import org.junit.jupiter.api.Test;

class RestOptionsTest {

  @Test
  void theTokenNeverShowsInToString() {
    RestOptions o = RestOptions.of(URI.create("https://discord.com/api/v10/"), RestFixtures.TOKEN, RestFixtures.USER_AGENT_URL);
    assertFalse(o.toString().contains(RestFixtures.TOKEN), o.toString());
    assertFalse(o.toString().contains("secret"), o.toString());
    assertTrue(o.toString().contains("<redacted>"));
    assertEquals("https://discord.com/api/v10/gateway/bot", o.url("/gateway/bot"), "a trailing slash is dropped");
    assertTrue(o.userAgent().matches("DiscordBot \\(.+, .+\\)"), o.userAgent());
  }

  @Test
  void badSettingsAreRefusedWithoutEchoingTheToken() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> RestOptions.of(URI.create("https://discord.com/api/v10"), "has space", RestFixtures.USER_AGENT_URL));
    assertFalse(e.getMessage().contains("has space"));
    assertThrows(IllegalArgumentException.class, () -> RestOptions.of(URI.create("ftp://x/api"), "t", RestFixtures.USER_AGENT_URL));
    assertThrows(IllegalArgumentException.class,
        () -> RestOptions.of(URI.create("https://discord.com/api/v10"), "t", RestFixtures.USER_AGENT_URL).withGuard(10, 500, 1000));
  }

  @Test
  void theUserAgentUrlComesFromDiscordUserAgentUrl() {
    var config = dev.discordbridge.config.BridgeConfig.parse(new io.vertx.core.json.JsonObject()
        .put("DISCORD_BOT_TOKEN", "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz012345")
        .put("AUTH_JWT_SECRET", "0123456789abcdef0123456789abcdef")
        .put("DISCORD_USER_AGENT_URL", "https://github.com/example/bridge"));
    assertTrue(DiscordRestCommands.options(config).userAgent().startsWith("DiscordBot (https://github.com/example/bridge, "),
        DiscordRestCommands.options(config).userAgent());
  }
}
