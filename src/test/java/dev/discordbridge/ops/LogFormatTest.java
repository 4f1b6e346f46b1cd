package dev.discordbridge.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogFormatTest {

  @Test
  void theDemoInATerminalGetsTextEverythingElseJson() {
    assertEquals("text", LogFormat.choose(Map.of(), true));
    assertEquals("text", LogFormat.choose(Map.of("GATEWAY_WS_URL", "", "LOG_FORMAT", " "), true));
    assertEquals("json", LogFormat.choose(Map.of(), false), "a pipe, a file, a container");
    assertEquals("json", LogFormat.choose(Map.of("GATEWAY_WS_URL", "wss://hub.example.com/gateway"), true), "production");
  }

  @Test
  void logFormatAlwaysWins() {
    assertEquals("json", LogFormat.choose(Map.of("LOG_FORMAT", "json"), true));
    assertEquals("text", LogFormat.choose(Map.of("LOG_FORMAT", "TEXT", "GATEWAY_WS_URL", "wss://h/gateway"), false));
  }

  @Test
  void aBadValueNamesTheVariable() {
    var e = assertThrows(ConfigException.class, () -> LogFormat.choose(Map.of("LOG_FORMAT", "yaml"), true));
    assertTrue(e.getMessage().startsWith("LOG_FORMAT must be json or text"), e.getMessage());
  }
}
