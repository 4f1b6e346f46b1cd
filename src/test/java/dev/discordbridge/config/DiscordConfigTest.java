package dev.discordbridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** DISCORD_* settings (contract section 8): what selects direct mode, defaults, and errors that name the variable. */
class DiscordConfigTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  private static final String TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz012345";

  private static JsonObject direct() {
    return new JsonObject().put("DISCORD_BOT_TOKEN", TOKEN).put("AUTH_JWT_SECRET", SECRET);
  }

  private static String error(JsonObject raw) {
    return assertThrows(ConfigException.class, () -> BridgeConfig.parse(raw)).getMessage();
  }

  @Test
  void aBotTokenSelectsDirectModeWithTheContractDefaults() {
    BridgeConfig c = BridgeConfig.parse(direct());
    assertTrue(c.direct());
    assertFalse(c.auth().demo(), "direct mode is not the demo: no simulated hub, no demo tokens");
    assertNull(c.link().gatewayUrl());
    assertEquals(URI.create("https://discord.com/api/v10"), c.discord().apiBase());
    assertNull(c.discord().gatewayUrl());
    assertTrue(c.discord().compress());
    assertNull(c.discord().shards(), "auto: the count /gateway/bot recommends");
    assertTrue(c.discord().messageContent());
    // GUILDS | GUILD_VOICE_STATES | GUILD_MESSAGES | GUILD_MESSAGE_REACTIONS | GUILD_MESSAGE_TYPING | MESSAGE_CONTENT
    assertEquals(1 | 1 << 7 | 1 << 9 | 1 << 10 | 1 << 11 | 1 << 15, c.discord().intents());
  }

  @Test
  void settingsAreReadAndTheMessageContentIntentCanBeLeftOut() {
    BridgeConfig c = BridgeConfig.parse(direct().put("DISCORD_API_BASE", "http://127.0.0.1:9000/api/v10/")
        .put("DISCORD_GATEWAY_URL", "ws://127.0.0.1:9001").put("DISCORD_COMPRESS", "none").put("DISCORD_SHARDS", "4")
        .put("DISCORD_MESSAGE_CONTENT", "false"));
    assertEquals(URI.create("http://127.0.0.1:9000/api/v10"), c.discord().apiBase());
    assertEquals(URI.create("ws://127.0.0.1:9001"), c.discord().gatewayUrl());
    assertFalse(c.discord().compress());
    assertEquals(4, c.discord().shards());
    assertEquals(0, c.discord().intents() & 1 << 15);
  }

  @Test
  void aBotTokenAndAHubCannotBothBeSet() {
    String message = error(direct().put("GATEWAY_WS_URL", "wss://hub.example.com/gateway").put("LINK_TOKEN", "link-token-0123456789"));
    assertTrue(message.startsWith("DISCORD_BOT_TOKEN and GATEWAY_WS_URL cannot both be set"), message);
  }

  @Test
  void directModeNeedsTheJwtSecret() {
    String message = error(direct().put("AUTH_JWT_SECRET", ""));
    assertTrue(message.startsWith("AUTH_JWT_SECRET is required when GATEWAY_WS_URL or DISCORD_BOT_TOKEN is set"), message);
  }

  @Test
  void badValuesNameTheVariableAndNeverShowTheToken() {
    String bad = "Bot " + TOKEN;
    String message = error(direct().put("DISCORD_BOT_TOKEN", bad));
    assertTrue(message.startsWith("DISCORD_BOT_TOKEN does not look like a bot token"), message);
    assertFalse(message.contains(TOKEN.substring(0, 20)));
    assertEquals("DISCORD_API_BASE must be a http:// or https:// URL, got \"ftp://x\"", error(direct().put("DISCORD_API_BASE", "ftp://x")));
    assertEquals("DISCORD_GATEWAY_URL must be a ws:// or wss:// URL, got \"https://gateway.discord.gg\"",
        error(direct().put("DISCORD_GATEWAY_URL", "https://gateway.discord.gg")));
    assertTrue(error(direct().put("DISCORD_GATEWAY_URL", "wss://gateway.discord.gg/?v=9")).startsWith("DISCORD_GATEWAY_URL must be"),
        "the query is the bridge's to add");
    assertEquals("DISCORD_COMPRESS must be zlib-stream or none, got \"zstd\"", error(direct().put("DISCORD_COMPRESS", "zstd")));
    assertTrue(error(direct().put("DISCORD_SHARDS", "0")).startsWith("DISCORD_SHARDS must be from 1"));
    assertTrue(error(direct().put("DISCORD_SHARDS", "many")).startsWith("DISCORD_SHARDS must be a whole number"));
  }

  @Test
  void theTokenIsNeverInToString() {
    BridgeConfig c = BridgeConfig.parse(direct());
    assertFalse(c.toString().contains(TOKEN));
    assertFalse(c.discord().toString().contains(TOKEN));
  }

  @Test
  void plainHttpOrWsIsRefusedExceptToALoopbackAddress() {
    assertEquals("DISCORD_API_BASE must use https:// (the bot token would travel in clear); plain http:// is only "
            + "allowed to a loopback address (127.0.0.1, ::1, localhost), got \"http://discord.example.com/api/v10\"",
        error(direct().put("DISCORD_API_BASE", "http://discord.example.com/api/v10")));
    assertTrue(error(direct().put("DISCORD_GATEWAY_URL", "ws://gateway.discord.gg")).startsWith("DISCORD_GATEWAY_URL must use wss://"));
    assertTrue(error(direct().put("DISCORD_API_BASE", "http://10.0.0.5:9000/api")).startsWith("DISCORD_API_BASE must use https://"));
    for (String loopback : new String[] {"http://127.0.0.1:9000/api", "http://localhost:9000/api", "http://[::1]:9000/api",
        "http://127.8.9.10/api"}) {
      assertEquals(URI.create(loopback), BridgeConfig.parse(direct().put("DISCORD_API_BASE", loopback)).discord().apiBase());
    }
    assertEquals(URI.create("ws://localhost:9001"),
        BridgeConfig.parse(direct().put("DISCORD_GATEWAY_URL", "ws://localhost:9001")).discord().gatewayUrl());
  }

  @Test
  void theUserAgentUrlCanBeSet() {
    assertEquals("https://github.com/example/bridge",
        BridgeConfig.parse(direct().put("DISCORD_USER_AGENT_URL", "https://github.com/example/bridge")).discord().userAgentUrl());
    assertEquals(URI.create(BridgeConfig.parse(direct()).discord().userAgentUrl()).getScheme(), "https");
    assertTrue(error(direct().put("DISCORD_USER_AGENT_URL", "not a url")).startsWith("DISCORD_USER_AGENT_URL must be"));
    assertTrue(error(direct().put("DISCORD_USER_AGENT_URL", "https://x.example/a,b)")).startsWith("DISCORD_USER_AGENT_URL must be"),
        "a comma or parenthesis would break the DiscordBot (url, version) form");
  }

  @Test
  void permissionSettingsHaveTheirDefaultsAndBadValuesNameTheVariable() {
    var d = BridgeConfig.parse(new io.vertx.core.json.JsonObject().put("DISCORD_BOT_TOKEN", "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.abcdef")
        .put("AUTH_JWT_SECRET", "0123456789abcdef0123456789abcdef-discord")).discord();
    org.junit.jupiter.api.Assertions.assertTrue(d.discordPermissions(), "DISCORD_PERMISSIONS=discord by default");
    org.junit.jupiter.api.Assertions.assertEquals(60_000, d.memberTtlMs());
    org.junit.jupiter.api.Assertions.assertEquals(0, d.intents() & (1 << 1), "the Server Members intent only when asked for");
    var bad = assertThrows(ConfigException.class, () -> BridgeConfig.parse(new io.vertx.core.json.JsonObject()
        .put("DISCORD_BOT_TOKEN", "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.abcdef")
        .put("AUTH_JWT_SECRET", "0123456789abcdef0123456789abcdef-discord").put("DISCORD_PERMISSIONS", "roles")));
    org.junit.jupiter.api.Assertions.assertTrue(bad.getMessage().contains("DISCORD_PERMISSIONS"), bad.getMessage());
    var ttl = assertThrows(ConfigException.class, () -> BridgeConfig.parse(new io.vertx.core.json.JsonObject()
        .put("DISCORD_BOT_TOKEN", "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.abcdef")
        .put("AUTH_JWT_SECRET", "0123456789abcdef0123456789abcdef-discord").put("DISCORD_MEMBER_TTL_MS", 5)));
    org.junit.jupiter.api.Assertions.assertTrue(ttl.getMessage().contains("DISCORD_MEMBER_TTL_MS"), ttl.getMessage());
  }
}
