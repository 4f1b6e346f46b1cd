package dev.discordbridge.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class TextTest {

  @Test
  void keepsOrdinaryTextUntouched() {
    String s = "hello\tworld\nline two 🎉 é";
    assertSame(s, Text.clean(s));
  }

  @Test
  void removesControlCharactersButKeepsLineBreaksAndTabs() {
    assertEquals("abc\n\r\td", Text.clean("a\u0000b\u0007c\n\r\td\u007f\u0085\u009f"));
  }

  @Test
  void removesBidiOverrides() {
    assertEquals("evil.exe", Text.clean("evil\u202e.exe\u2066\u2069"));
  }

  @Test
  void replacesLoneSurrogates() {
    assertEquals("a\uFFFDb", Text.clean("a\uD800b"));
    assertEquals("a\uFFFD", Text.clean("a\uDC00"));
    assertEquals("😀", Text.clean("😀"));
  }

  @Test
  void namesAreSingleLine() {
    assertEquals("ana b", Text.cleanName("  ana\nb\u0000 "));
  }

  @Test
  void lengthCountsCodePoints() {
    assertEquals(2, Text.length("😀😀"));
  }
}
