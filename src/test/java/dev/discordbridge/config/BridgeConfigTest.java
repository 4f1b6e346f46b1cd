package dev.discordbridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class BridgeConfigTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef";
  private static final String LINK = "link-token-0123456789";

  private static String error(JsonObject raw) {
    return assertThrows(ConfigException.class, () -> BridgeConfig.parse(raw)).getMessage();
  }

  private static JsonObject real() {
    return new JsonObject().put("GATEWAY_WS_URL", "wss://hub.example.com/gateway").put("LINK_TOKEN", LINK)
        .put("AUTH_JWT_SECRET", SECRET);
  }

  @Test
  void noConfigurationIsDemoModeWithGeneratedSecretsAndContractDefaults() {
    BridgeConfig c = BridgeConfig.parse(new JsonObject());
    assertTrue(c.auth().demo());
    assertNull(c.link().gatewayUrl());
    assertNotNull(c.link().linkToken());
    assertTrue(c.auth().jwtSecret().length() >= 32);
    assertEquals(8080, c.http().port());
    assertFalse(c.legacy().enabled());
    assertEquals(15_000, c.stream().heartbeatMs());
    assertEquals(1000, c.command().queueCapacity());
    assertEquals(new RateLimitConfig.Bucket(10, 10), c.rateLimit().user());
    assertEquals(new RateLimitConfig.Bucket(20, 10), c.rateLimit().channel());
  }

  @Test
  void shutdownAndJournalSettingsHaveTheContractDefaultsAndNameTheVariableWhenBad() {
    BridgeConfig c = BridgeConfig.parse(real());
    assertEquals(java.nio.file.Path.of("./data/journal"), c.command().journalDir());
    assertEquals(600_000, c.command().maxAgeMs());
    assertEquals(10_000, c.command().shutdownGraceMs());
    BridgeConfig set = BridgeConfig.parse(real().put("COMMAND_JOURNAL_DIR", "/var/lib/bridge").put("COMMAND_MAX_AGE_MS", "5000")
        .put("SHUTDOWN_GRACE_MS", "0"));
    assertEquals(java.nio.file.Path.of("/var/lib/bridge"), set.command().journalDir());
    assertEquals(5_000, set.command().maxAgeMs());
    assertEquals(0, set.command().shutdownGraceMs());
    assertTrue(error(real().put("SHUTDOWN_GRACE_MS", "soon")).startsWith("SHUTDOWN_GRACE_MS must be a whole number"));
    assertTrue(error(real().put("SHUTDOWN_GRACE_MS", "-1")).startsWith("SHUTDOWN_GRACE_MS must be from 0"));
    assertTrue(error(real().put("COMMAND_MAX_AGE_MS", "10")).startsWith("COMMAND_MAX_AGE_MS must be from 1000"));
    assertTrue(error(real().put("COMMAND_JOURNAL_DIR", "bad\u0000dir")).startsWith("COMMAND_JOURNAL_DIR must be a file-system path"));
  }

  @Test
  void aGatewayUrlMustBeWebSocket() {
    assertEquals("GATEWAY_WS_URL must be a ws:// or wss:// URL, got \"http://x\"",
        error(real().put("GATEWAY_WS_URL", "http://x")));
  }

  @Test
  void aRealHubNeedsTheLinkTokenAndTheJwtSecret() {
    assertTrue(error(real().put("LINK_TOKEN", "")).startsWith("LINK_TOKEN is required"));
    assertTrue(error(real().put("AUTH_JWT_SECRET", "")).startsWith("AUTH_JWT_SECRET is required"));
    assertTrue(error(real().put("AUTH_JWT_SECRET", "short")).startsWith("AUTH_JWT_SECRET must be at least 32"));
    BridgeConfig c = BridgeConfig.parse(real());
    assertFalse(c.auth().demo());
    assertEquals(LINK, c.link().linkToken());
  }

  @Test
  void aLinkTokenShorterThan16CharactersStopsTheStart() {
    String message = error(real().put("LINK_TOKEN", "short-token"));
    assertEquals("LINK_TOKEN must be at least 16 characters long, got 11", message);
    assertFalse(message.contains("short-token"), "the token itself is never shown");
    assertEquals("0123456789abcdef", BridgeConfig.parse(real().put("LINK_TOKEN", "0123456789abcdef")).link().linkToken());
  }

  @Test
  void theTokenLifetimeCapIsOptional() {
    assertEquals(0, BridgeConfig.parse(real()).auth().maxTokenTtlMs(), "unset: no cap");
    assertEquals(3_600_000, BridgeConfig.parse(real().put("AUTH_MAX_TOKEN_TTL_MS", "3600000")).auth().maxTokenTtlMs());
    assertTrue(error(real().put("AUTH_MAX_TOKEN_TTL_MS", "forever")).startsWith("AUTH_MAX_TOKEN_TTL_MS must be"));
  }

  @Test
  void bodyTimeoutAndStreamsPerUserHaveTheirDefaults() {
    BridgeConfig c = BridgeConfig.parse(real());
    assertEquals(10_000, c.http().bodyTimeoutMs());
    assertEquals(32, c.stream().maxStreamsPerUser());
    assertTrue(error(real().put("SSE_MAX_STREAMS_PER_USER", "0")).startsWith("SSE_MAX_STREAMS_PER_USER must be from 1"));
  }

  @Test
  void secretsNeverAppearInMessagesOrToString() {
    String message = error(real().put("AUTH_JWT_SECRET", "s3cr3t-but-too-short"));
    assertFalse(message.contains("s3cr3t"));
    BridgeConfig c = BridgeConfig.parse(real().put("LINK_TOKEN", "link-token-value"));
    assertFalse(c.toString().contains("link-token-value"));
    assertFalse(c.toString().contains(SECRET));
  }

  @Test
  void numbersAreCheckedAndNamed() {
    assertEquals("HTTP_PORT must be a whole number from 0 to 65535, got \"abc\"", error(real().put("HTTP_PORT", "abc")));
    assertEquals("HTTP_PORT must be from 0 to 65535, got 70000", error(real().put("HTTP_PORT", "70000")));
    assertTrue(error(real().put("COMMAND_QUEUE_CAPACITY", "0")).startsWith("COMMAND_QUEUE_CAPACITY must be from 1"));
    assertTrue(error(real().put("SSE_HEARTBEAT_MS", "-5")).startsWith("SSE_HEARTBEAT_MS must be from"));
    assertTrue(error(real().put("LINK_BACKOFF_BASE_MS", "5000").put("LINK_BACKOFF_MAX_MS", "1000"))
        .startsWith("LINK_BACKOFF_MAX_MS must be at least LINK_BACKOFF_BASE_MS"));
  }

  @Test
  void bucketsAreCapacityOverSeconds() {
    BridgeConfig c = BridgeConfig.parse(real().put("RATE_LIMIT_USER", "5/60s").put("RATE_LIMIT_CHANNEL", " 100 / 1s "));
    assertEquals(new RateLimitConfig.Bucket(5, 60), c.rateLimit().user());
    assertEquals(new RateLimitConfig.Bucket(100, 1), c.rateLimit().channel());
    assertEquals("RATE_LIMIT_USER must be a bucket like \"10/10s\" (<capacity>/<seconds>s), got \"ten\"",
        error(real().put("RATE_LIMIT_USER", "ten")));
    assertTrue(error(real().put("RATE_LIMIT_CHANNEL", "0/10s")).startsWith("RATE_LIMIT_CHANNEL must have a capacity"));
  }

  @Test
  void booleansAndListsAreParsed() {
    BridgeConfig c = BridgeConfig.parse(real().put("ENABLE_WS_BRIDGE", "true")
        .put("ALLOWED_ORIGINS", "https://app.example.com, http://localhost:3000"));
    assertTrue(c.legacy().enabled());
    assertEquals(List.of("https://app.example.com", "http://localhost:3000"), c.http().allowedOrigins());
    assertEquals("ENABLE_WS_BRIDGE must be true or false, got \"maybe\"", error(real().put("ENABLE_WS_BRIDGE", "maybe")));
    assertTrue(error(real().put("ALLOWED_ORIGINS", "*")).startsWith("ALLOWED_ORIGINS must be a comma list of origins"));
  }

  @Test
  void instancesPerRoleComeFromConfOrEnvironment() {
    BridgeConfig c = BridgeConfig.parse(real().put("verticles", new JsonObject()
        .put("sse-router", new JsonObject().put("instances", 3))).put("VERTICLES_RATE_LIMITER_INSTANCES", "2"));
    assertEquals(3, c.instances(Role.SSE_ROUTER));
    assertEquals(2, c.instances(Role.RATE_LIMITER));
    assertTrue(error(real().put("VERTICLES_GATEWAY_INSTANCES", "2")).startsWith("VERTICLES_GATEWAY_INSTANCES must be from 1 to 1"));
  }

  @Test
  void unknownEventsAreForwardedOnlyWhenNamed() {
    assertFalse(BridgeConfig.parse(real()).link().forwardsUnknown("guildCreate"));
    assertTrue(BridgeConfig.parse(real().put("FORWARD_UNKNOWN_EVENTS", "guildCreate")).link().forwardsUnknown("guildCreate"));
    assertTrue(BridgeConfig.parse(real().put("FORWARD_UNKNOWN_EVENTS", "*")).link().forwardsUnknown("anything"));
  }

  @Test
  void confIsTheOnePlaceOfDefaultsAndAMissingOneFailsByName() {
    JsonObject conf = BridgeConfig.defaults();
    assertEquals(8080, BridgeConfig.parseMerged(conf.copy()).http().port());
    conf.remove("SSE_RETRY_MS");
    assertEquals("SSE_RETRY_MS has no value: conf/bridge.json must define its default",
        assertThrows(ConfigException.class, () -> BridgeConfig.parseMerged(conf)).getMessage());
    assertEquals(Math.max(1, Math.min(64, Runtime.getRuntime().availableProcessors())),
        BridgeConfig.parse(new JsonObject()).instances(Role.SSE_ROUTER), "sse-router instances: auto");
  }

  @Test
  void aBlankSettingIsUnsetAndTheConfDefaultApplies() {
    assertEquals(8080, BridgeConfig.parse(real().put("HTTP_PORT", " ")).http().port());
  }
}
