package dev.discordbridge.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** conf/bridge.json, then the environment, then command-line overrides: later sources win. */
class ConfigLoaderTest {
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void defaultsComeFromConfAndTheEnvironmentOverridesThem() {
    BridgeConfig c = ConfigLoader.load(vertx, Map.of("SSE_HEARTBEAT_MS", "2500"), new JsonObject()).await();
    assertEquals(2_500, c.stream().heartbeatMs());
    assertEquals(10_000, c.stream().replayWindow(), "from conf/bridge.json");
  }

  @Test
  void commandLineFlagsWinOverTheEnvironment() {
    BridgeConfig c = ConfigLoader.load(vertx, Map.of("CLUSTER_ENABLED", "false"),
        new JsonObject().put("CLUSTER_ENABLED", "true")).await();
    assertEquals(true, c.cluster().enabled());
  }

  @Test
  void aBadValueFailsTheLoadWithTheVariablesName() {
    var err = assertThrows(Exception.class,
        () -> ConfigLoader.load(vertx, Map.of("RATE_LIMIT_USER", "lots"), new JsonObject()).await());
    assertInstanceOf(ConfigException.class, err);
    assertEquals(true, err.getMessage().startsWith("RATE_LIMIT_USER must be a bucket"));
  }
}
