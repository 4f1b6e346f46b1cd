package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EmojiPathTest {

  @Test
  void aUnicodeEmojiIsItsUtf8BytesPercentEncoded() {
    assertEquals("%F0%9F%91%8D", EmojiPath.of("👍", null));
    assertEquals("%E2%9D%A4%EF%B8%8F", EmojiPath.of("❤️", null));
  }

  @Test
  void aCustomEmojiIsNameColonId() {
    assertEquals("party_parrot%3A112233445566778899", EmojiPath.of("party_parrot", "112233445566778899"));
  }

  @Test
  void nothingInANameCanAddASegmentOrAQuery() {
    assertEquals("a%2F..%2Fb%3Fx%3D1%23", EmojiPath.encode("a/../b?x=1#"));
    assertEquals("%25%20%2B", EmojiPath.encode("% +"));
  }

  @Test
  void aNameIsRequiredAndACustomIdIsDigits() {
    assertThrows(IllegalArgumentException.class, () -> EmojiPath.of("", null));
    assertThrows(IllegalArgumentException.class, () -> EmojiPath.of(null, null));
    assertThrows(IllegalArgumentException.class, () -> EmojiPath.of("x", "12a"));
    assertThrows(IllegalArgumentException.class, () -> EmojiPath.of("x", ""));
  }
}
