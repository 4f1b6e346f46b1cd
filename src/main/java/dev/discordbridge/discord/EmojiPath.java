package dev.discordbridge.discord;

import java.nio.charset.StandardCharsets;

/**
 * The emoji segment of Discord's reaction routes: a Unicode emoji as its UTF-8 bytes
 * percent-encoded, a custom emoji as {@code name:id} encoded the same way. Everything outside
 * RFC 3986's unreserved characters is encoded, so no emoji name can add a path segment or a
 * query to the URL.
 */
public final class EmojiPath {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private EmojiPath() {}

  /** The encoded segment for {@code name} (required) and {@code id} (null for a Unicode emoji). */
  public static String of(String name, String id) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("an emoji needs a name");
    }
    if (id != null && !id.chars().allMatch(c -> c >= '0' && c <= '9') || "".equals(id)) {
      throw new IllegalArgumentException("a custom emoji id is a snowflake");
    }
    return encode(id == null ? name : name + ":" + id);
  }

  /** Percent-encodes the UTF-8 bytes of {@code s}, keeping only {@code A-Z a-z 0-9 - . _ ~}. */
  public static String encode(String s) {
    StringBuilder out = new StringBuilder(s.length() * 3);
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }
}
