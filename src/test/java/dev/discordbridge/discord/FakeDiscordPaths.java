package dev.discordbridge.discord;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Path handling of the fake Discord REST server ({@link FakeDiscordRest}). */
public final class FakeDiscordPaths {
  private FakeDiscordPaths() {}

  /** Strict percent-decoding of a path segment as UTF-8 ({@code +} stays a plus). */
  public static String percentDecode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new IllegalArgumentException("truncated escape");
        }
        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else if (c > 0x7f) {
        throw new IllegalArgumentException("raw non-ASCII in a path");
      } else {
        out.write(c);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
