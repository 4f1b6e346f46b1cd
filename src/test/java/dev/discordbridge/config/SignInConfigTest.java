package dev.discordbridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** Sign in with Discord's settings (contract section 9): defaults, and errors that name the variable. */
class SignInConfigTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  private static final String TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz012345";
  private static final String CLIENT_SECRET = "s3cr3t-Client-Value_0123456789";

  private static JsonObject signIn() {
    return new JsonObject().put("DISCORD_BOT_TOKEN", TOKEN).put("AUTH_JWT_SECRET", SECRET)
        .put("DISCORD_CLIENT_ID", "112233445566778899").put("DISCORD_CLIENT_SECRET", CLIENT_SECRET)
        .put("PUBLIC_BASE_URL", "https://bridge.example.com/");
  }

  private static String error(JsonObject raw) {
    String message = assertThrows(ConfigException.class, () -> BridgeConfig.parse(raw)).getMessage();
    assertFalse(message.contains(CLIENT_SECRET), "the secret is never shown: " + message);
    return message;
  }

  @Test
  void offUnlessBothAreSetAndOnWithTheContractDefaults() {
    assertNull(BridgeConfig.parse(new JsonObject().put("DISCORD_BOT_TOKEN", TOKEN).put("AUTH_JWT_SECRET", SECRET)).signIn());
    assertNull(BridgeConfig.parse(new JsonObject()).signIn(), "demo mode");
    SignInConfig c = BridgeConfig.parse(signIn()).signIn();
    assertEquals("112233445566778899", c.clientId());
    assertEquals(URI.create("https://bridge.example.com"), c.publicBaseUrl());
    assertEquals("https://bridge.example.com/auth/discord/callback", c.redirectUri());
    assertEquals(URI.create("https://discord.com/oauth2/authorize"), c.authorizeUrl());
    assertEquals(12 * 3_600_000L, c.sessionTtlMs());
    assertEquals(600_000L, c.stateTtlMs());
    assertTrue(c.secureCookies());
    assertFalse(c.toString().contains(CLIENT_SECRET), c.toString());
    assertFalse(BridgeConfig.parse(signIn()).toString().contains(CLIENT_SECRET));
  }

  @Test
  void oneWithoutTheOtherNamesTheMissingOne() {
    assertTrue(error(signIn().put("DISCORD_CLIENT_SECRET", "")).startsWith("DISCORD_CLIENT_SECRET is required"));
    assertTrue(error(signIn().put("DISCORD_CLIENT_ID", "")).startsWith("DISCORD_CLIENT_ID is required"));
    assertTrue(error(signIn().put("DISCORD_CLIENT_ID", "my-app")).startsWith("DISCORD_CLIENT_ID must be"));
    assertTrue(error(signIn().put("DISCORD_CLIENT_SECRET", "has spaces in it")).startsWith("DISCORD_CLIENT_SECRET does not"));
  }

  @Test
  void itNeedsDirectModeAndAnHs256Secret() {
    JsonObject hub = signIn().put("DISCORD_BOT_TOKEN", "").put("GATEWAY_WS_URL", "wss://hub.example.com").put("LINK_TOKEN", "sign-in-test-link-token");
    assertTrue(error(hub).contains("needs direct mode: set DISCORD_BOT_TOKEN"), error(hub));
    JsonObject publicKey = signIn().put("AUTH_JWT_SECRET", "").put("AUTH_JWT_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----x");
    assertTrue(error(publicKey).startsWith("AUTH_JWT_SECRET is required when DISCORD_CLIENT_ID is set"), error(publicKey));
  }

  @Test
  void thePublicBaseUrlIsAnHttpsOriginExceptOnLoopback() {
    assertTrue(error(signIn().put("PUBLIC_BASE_URL", "")).startsWith("PUBLIC_BASE_URL is required"));
    assertTrue(error(signIn().put("PUBLIC_BASE_URL", "http://bridge.example.com")).startsWith("PUBLIC_BASE_URL must be https"));
    assertTrue(error(signIn().put("PUBLIC_BASE_URL", "https://bridge.example.com/app")).startsWith("PUBLIC_BASE_URL must be an origin"));
    assertTrue(error(signIn().put("PUBLIC_BASE_URL", "bridge.example.com")).startsWith("PUBLIC_BASE_URL must be an origin"));
    for (String loopback : new String[] {"http://localhost:8080", "http://127.0.0.1:8080", "http://[::1]:8080"}) {
      SignInConfig c = BridgeConfig.parse(signIn().put("PUBLIC_BASE_URL", loopback)).signIn();
      assertEquals(loopback + "/auth/discord/callback", c.redirectUri());
      assertFalse(c.secureCookies(), "plain http on loopback: no Secure cookies");
    }
  }

  @Test
  void lifetimesAndTheAuthorizeUrlAreChecked() {
    assertTrue(error(signIn().put("AUTH_SESSION_TTL_MS", "1000")).startsWith("AUTH_SESSION_TTL_MS must be from 60000"));
    assertTrue(error(signIn().put("DISCORD_OAUTH_STATE_TTL_MS", "x")).startsWith("DISCORD_OAUTH_STATE_TTL_MS must be"));
    assertTrue(error(signIn().put("DISCORD_OAUTH_AUTHORIZE_URL", "ftp://x")).startsWith("DISCORD_OAUTH_AUTHORIZE_URL must be"));
    assertEquals(3_600_000L, BridgeConfig.parse(signIn().put("AUTH_SESSION_TTL_MS", "3600000")).signIn().sessionTtlMs());
  }
}
