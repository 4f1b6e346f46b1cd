package dev.discordbridge.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  /** Fault (issue 9, item 8): content made only of invisible characters passed "not only white space". */
  @Test
  void invisibleCharactersCountAsBlank() {
    for (String s : new String[] {"", " \t\n", "\u00a0", "\u200b", "\u2800", "\u200c\u200d", "\u2060", "\ufeff",
        "\u3164", "\u115f\u1160", "\u180e", "\u00ad", "\u034f", "\ufe0f", "\uffa0", "\u3000\u2007\u202f",
        "\u2028\u2029", "\u17b4", "\ud834\udd73", "\udb40\udc01\udb40\udc7f", "\u00a0\u200b\u2800\u3164"}) {
      assertTrue(Text.isBlank(s), () -> "blank: " + s.codePoints().mapToObj(Integer::toHexString).toList());
    }
  }

  @Test
  void visibleCharactersAreNotBlank() {
    for (String s : new String[] {"a", "\u200bx", ".", "\u2801", "\u0600", "\u06dd", "😀", "\u2764\ufe0f", "\u3164ㅎ",
        "\u0301", "\u00a0-"}) {
      assertFalse(Text.isBlank(s), () -> "visible: " + s.codePoints().mapToObj(Integer::toHexString).toList());
    }
  }
}
