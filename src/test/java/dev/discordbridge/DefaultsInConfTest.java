package dev.discordbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.discord.rest.RestOptions;
import dev.discordbridge.discord.shard.ShardOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Defaults live in conf/bridge.json only: no second copy in Java, and the options built from config use its values. */
class DefaultsInConfTest {
  private static final String TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.abcdefghijklmnopqrstuvwxyz012345";
  private static final URI GATEWAY = URI.create("wss://gateway.discord.gg");

  private static JsonObject direct() {
    return new JsonObject().put("DISCORD_BOT_TOKEN", TOKEN).put("AUTH_JWT_SECRET", "0123456789abcdef0123456789abcdef");
  }

  /** Values that cannot be a coincidence (URLs, paths, rates): none may appear as a string literal in src/main. */
  @Test
  void noJavaStringLiteralRepeatsADefaultOfConf() throws IOException {
    List<String> distinctive = new ArrayList<>();
    BridgeConfig.defaults().forEach(e -> {
      if (e.getValue() instanceof String v && v.matches(".*[/:].*")) {
        distinctive.add(v);
      }
    });
    assertFalse(distinctive.isEmpty(), "conf/bridge.json has URLs and paths");
    List<String> copies = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> {
        String text = read(p);
        distinctive.stream().filter(v -> text.contains('"' + v + '"')).forEach(v -> copies.add(p + ": \"" + v + '"'));
      });
    }
    assertTrue(copies.isEmpty(), "defaults copied from conf/bridge.json into Java: " + copies);
  }

  @Test
  void shardOptionsTakeEveryConfiguredValue() {
    var defaults = BridgeConfig.defaults();
    ShardOptions d = ShardOptions.of(BridgeConfig.parse(direct()), GATEWAY, 0, 1);
    assertEquals(defaults.getLong("LINK_BACKOFF_BASE_MS"), d.backoffBaseMs());
    assertEquals(defaults.getLong("LINK_BACKOFF_MAX_MS"), d.backoffMaxMs());
    assertEquals(defaults.getLong("LINK_HELLO_TIMEOUT_MS"), d.helloTimeoutMs());
    assertEquals(defaults.getInteger("LINK_MAX_FRAME_BYTES"), d.maxMessageBytes());
    assertEquals(defaults.getInteger("LINK_MAX_FAILED_RESUMES"), d.maxFailedResumes());
    assertEquals("zlib-stream".equals(defaults.getString("DISCORD_COMPRESS")), d.compress());

    ShardOptions o = ShardOptions.of(BridgeConfig.parse(direct().put("LINK_BACKOFF_BASE_MS", 111)
        .put("LINK_BACKOFF_MAX_MS", 2222).put("LINK_HELLO_TIMEOUT_MS", 3333).put("LINK_MAX_FRAME_BYTES", 65_536)
        .put("LINK_MAX_FAILED_RESUMES", 5).put("DISCORD_COMPRESS", "none")), GATEWAY, 1, 2);
    assertEquals(111, o.backoffBaseMs());
    assertEquals(2222, o.backoffMaxMs());
    assertEquals(3333, o.helloTimeoutMs());
    assertEquals(65_536, o.maxMessageBytes());
    assertEquals(5, o.maxFailedResumes());
    assertFalse(o.compress());
    assertEquals(TOKEN, o.token());
  }

  @Test
  void restOptionsTakeEveryConfiguredValue() {
    var defaults = BridgeConfig.defaults();
    RestOptions d = RestOptions.of(BridgeConfig.parse(direct()).discord());
    assertEquals(defaults.getString("DISCORD_API_BASE"), d.apiBase().toString());
    assertEquals(defaults.getString("DISCORD_USER_AGENT_URL"), d.userAgentUrl());

    RestOptions o = RestOptions.of(BridgeConfig.parse(direct().put("DISCORD_API_BASE", "https://api.example.test/api/v10")
        .put("DISCORD_USER_AGENT_URL", "https://ua.example.test/bridge")).discord());
    assertEquals("https://api.example.test/api/v10", o.apiBase().toString());
    assertTrue(o.userAgent().startsWith("DiscordBot (https://ua.example.test/bridge, "), o.userAgent());
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
