package dev.discordbridge.contract;

/** Sanitising of free text that crosses the bridge. */
public final class Text {
  private Text() {}

  /**
   * Removes control characters (C0 but tab and line breaks, DEL, C1) and the bidirectional
   * override characters that can disguise text; lone surrogates become U+FFFD.
   */
  public static String clean(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean drop = (c < 0x20 && c != '\n' && c != '\r' && c != '\t')
          || (c >= 0x7f && c <= 0x9f)
          || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
      boolean loneSurrogate = Character.isSurrogate(c)
          && !(Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
          && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
      if (drop || loneSurrogate) {
        if (out == null) {
          out = new StringBuilder(s.length()).append(s, 0, i);
        }
        if (loneSurrogate) {
          out.append('\uFFFD');
        }
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? s : out.toString();
  }

  /** Single-line names: line breaks and tabs are dropped too. */
  public static String cleanName(String s) {
    return clean(s).replaceAll("[\\r\\n\\t]", " ").strip();
  }

  /**
   * True when {@code s} shows nothing: every code point is white space ({@link
   * Character#isWhitespace}, {@link Character#isSpaceChar}: NBSP, U+2007, U+202F, U+3000...), a
   * default-ignorable code point (Unicode's {@code Default_Ignorable_Code_Point}: format
   * characters such as U+200B..U+200D, U+2060, U+FEFF, U+180E, U+00AD, the fillers U+115F,
   * U+1160, U+3164, U+FFA0, variation selectors, tags), or U+2800 (braille pattern blank, drawn as
   * an empty cell). The contract's "not only white space" means "not invisible".
   */
  public static boolean isBlank(String s) {
    return s.codePoints().allMatch(Text::isInvisible);
  }

  static boolean isInvisible(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x2800 || isDefaultIgnorable(cp);
  }

  /**
   * Unicode's derived {@code Default_Ignorable_Code_Point} (DerivedCoreProperties.txt): format
   * characters (Cf) but the prepended concatenation marks, which are visible (U+0600..U+0605,
   * U+06DD, U+070F, U+0890, U+0891, U+08E2, U+110BD, U+110CD), and the Egyptian hieroglyph format
   * controls; plus variation selectors and {@code Other_Default_Ignorable_Code_Point}.
   */
  static boolean isDefaultIgnorable(int cp) {
    if (Character.getType(cp) == Character.FORMAT) {
      return !((cp >= 0x0600 && cp <= 0x0605) || cp == 0x06DD || cp == 0x070F || cp == 0x0890 || cp == 0x0891
          || cp == 0x08E2 || cp == 0x110BD || cp == 0x110CD || (cp >= 0x13430 && cp <= 0x1343F));
    }
    return cp == 0x034F || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 || cp == 0x17B5
        || (cp >= 0x180B && cp <= 0x180F) || cp == 0x2065 || cp == 0x3164
        || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFF8)
        || (cp >= 0x1D173 && cp <= 0x1D17A) || (cp >= 0xE0000 && cp <= 0xE0FFF);
  }

  /** Length in Unicode code points, as Discord counts message length. */
  public static int length(String s) {
    return s.codePointCount(0, s.length());
  }
}
