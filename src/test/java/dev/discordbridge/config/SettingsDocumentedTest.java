package dev.discordbridge.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every setting conf/bridge.json defines is documented where operators look: .env.example (the
 * README points there for the full list), and direct mode's in docs/discord.md too.
 */
class SettingsDocumentedTest {

  private static List<String> settings() {
    return BridgeConfig.defaults().fieldNames().stream().filter(k -> k.matches("[A-Z0-9_]+")).sorted().toList();
  }

  @Test
  void everySettingIsInEnvExample() throws IOException {
    String env = Files.readString(Path.of(".env.example"));
    List<String> optional = List.of("NODE_ID", "GATEWAY_WS_URL", "LINK_TOKEN", "DISCORD_BOT_TOKEN", "DISCORD_GATEWAY_URL");
    List<String> missing = java.util.stream.Stream.concat(settings().stream(), optional.stream())
        .filter(k -> !env.contains("\n" + k + "=")).toList();
    assertEquals(List.of(), missing, "settings missing from .env.example");
  }

  @Test
  void everyDiscordSettingIsInTheDirectModeGuide() throws IOException {
    String guide = Files.readString(Path.of("docs/discord.md"));
    List<String> missing = java.util.stream.Stream.concat(settings().stream(), java.util.stream.Stream.of("DISCORD_BOT_TOKEN",
            "DISCORD_GATEWAY_URL"))
        .filter(k -> k.startsWith("DISCORD_") && !guide.contains("`" + k + "`")).toList();
    assertEquals(List.of(), missing, "settings missing from docs/discord.md");
  }
}
