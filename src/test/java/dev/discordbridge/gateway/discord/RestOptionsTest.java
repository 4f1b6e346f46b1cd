package dev.discordbridge.gateway.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class RestOptionsTest {

  @Test
  void theTokenNeverShowsInToString() {
    RestOptions o = RestOptions.defaults(URI.create("https://discord.com/api/v10/"), RestFixtures.TOKEN);
    assertFalse(o.toString().contains(RestFixtures.TOKEN), o.toString());
    assertFalse(o.toString().contains("secret"), o.toString());
    assertTrue(o.toString().contains("<redacted>"));
    assertEquals("https://discord.com/api/v10/gateway/bot", o.url("/gateway/bot"), "a trailing slash is dropped");
    assertTrue(o.userAgent().matches("DiscordBot \\(.+, .+\\)"), o.userAgent());
  }

  @Test
  void badSettingsAreRefusedWithoutEchoingTheToken() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> RestOptions.defaults(URI.create("https://discord.com/api/v10"), "has space"));
    assertFalse(e.getMessage().contains("has space"));
    assertThrows(IllegalArgumentException.class, () -> RestOptions.defaults(URI.create("ftp://x/api"), "t"));
    assertThrows(IllegalArgumentException.class,
        () -> RestOptions.defaults(URI.create("https://discord.com/api/v10"), "t").withGuard(10, 500, 1000));
  }
}
