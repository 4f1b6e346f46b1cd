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

  /** Length in Unicode code points, as Discord counts message length. */
  public static int length(String s) {
    return s.codePointCount(0, s.length());
  }
}
