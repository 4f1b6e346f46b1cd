package dev.discordbridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The connection-level settings of the public port (issue 9 items 4-6). */
class HttpConnectionConfigTest {
  private static String error(JsonObject raw) {
    return assertThrows(ConfigException.class, () -> BridgeConfig.parse(raw)).getMessage();
  }

  @Test
  void defaults() {
    BridgeConfig.Http http = BridgeConfig.parse(new JsonObject()).http();
    assertEquals(10_000, http.headerTimeoutMs());
    assertEquals(60_000, http.idleTimeoutMs());
    assertTrue(http.maxConnections() >= 64, "auto: derived from the descriptor limit, got " + http.maxConnections());
  }

  @Test
  void autoStaysBelowTheDescriptorLimit() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix && unix.getMaxFileDescriptorCount() > 512) {
      int max = BridgeConfig.parse(new JsonObject().put("HTTP_MAX_CONNECTIONS", "auto")).http().maxConnections();
      assertTrue(max <= unix.getMaxFileDescriptorCount() - 256, max + " vs limit " + unix.getMaxFileDescriptorCount());
    }
  }

  @Test
  void explicitValues() {
    BridgeConfig.Http http = BridgeConfig.parse(new JsonObject().put("HTTP_HEADER_TIMEOUT_MS", "500")
        .put("HTTP_IDLE_TIMEOUT_MS", "20000").put("HTTP_MAX_CONNECTIONS", "300")).http();
    assertEquals(500, http.headerTimeoutMs());
    assertEquals(20_000, http.idleTimeoutMs());
    assertEquals(300, http.maxConnections());
  }

  @Test
  void badValuesNameTheVariable() {
    assertTrue(error(new JsonObject().put("HTTP_HEADER_TIMEOUT_MS", "0")).startsWith("HTTP_HEADER_TIMEOUT_MS must be from"));
    assertTrue(error(new JsonObject().put("HTTP_IDLE_TIMEOUT_MS", "soon")).startsWith("HTTP_IDLE_TIMEOUT_MS must be"));
    assertEquals("HTTP_MAX_CONNECTIONS must be \"auto\" or a whole number from 1 to 10000000, got \"lots\"",
        error(new JsonObject().put("HTTP_MAX_CONNECTIONS", "lots")));
    assertTrue(error(new JsonObject().put("HTTP_MAX_CONNECTIONS", "0")).startsWith("HTTP_MAX_CONNECTIONS must be from 1"));
  }

  @Test
  void theIdleTimeoutMustExceedTheHeartbeatAndThePing() {
    assertEquals("HTTP_IDLE_TIMEOUT_MS must be greater than SSE_HEARTBEAT_MS (15000), got 15000",
        error(new JsonObject().put("HTTP_IDLE_TIMEOUT_MS", "15000")));
    assertEquals("WS_PING_INTERVAL_MS must be less than HTTP_IDLE_TIMEOUT_MS (60000) when ENABLE_WS_BRIDGE is on, got 60000",
        error(new JsonObject().put("ENABLE_WS_BRIDGE", "true").put("WS_PING_INTERVAL_MS", "60000")));
  }
}
