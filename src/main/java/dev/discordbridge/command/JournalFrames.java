package dev.discordbridge.command;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The journal's framing: one entry a line, a JSON object, a tab and the CRC-32C of the JSON's
 * bytes in 8 hex digits ({@code {"op":"queued",...}\t1a2b3c4d\n}), so that the file stays
 * readable ({@code cut -f1 commands.journal | jq}) and every line checks itself. Lines without a
 * checksum (journals of earlier versions) are read if they are whole, valid UTF-8 and JSON.
 *
 * <p>Reading works on bytes: a last line without its end of line (a write cut short by a crash
 * or a full disk), a line whose checksum does not match, whose bytes are not UTF-8 (a cut inside
 * a multi-byte character, a stray byte) or whose text is not a JSON object is reported with its
 * byte offset and skipped; the lines around it are read as usual.
 */
final class JournalFrames {
  private JournalFrames() {}

  /** An entry read back, and where its line starts. */
  record Entry(long offset, JsonObject json) {}

  /** A line that was skipped, where it starts and why. */
  record Skipped(long offset, String reason) {}

  /** What a file holds: its entries in order, the lines skipped, and a torn last line (or null). */
  record Read(List<Entry> entries, List<Skipped> skipped, Skipped tornTail) {}

  static byte[] frame(JsonObject entry) {
    byte[] json = entry.encode().getBytes(StandardCharsets.UTF_8);
    byte[] line = new byte[json.length + 10];
    System.arraycopy(json, 0, line, 0, json.length);
    line[json.length] = '\t';
    byte[] crc = String.format("%08x", crc(json, 0, json.length)).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(crc, 0, line, json.length + 1, 8);
    line[line.length - 1] = '\n';
    return line;
  }

  static Read read(byte[] bytes) {
    List<Entry> entries = new ArrayList<>();
    List<Skipped> skipped = new ArrayList<>();
    int start = 0;
    while (start < bytes.length) {
      int end = indexOf(bytes, (byte) '\n', start);
      if (end < 0) {
        return new Read(entries, skipped, new Skipped(start, (bytes.length - start) + " byte(s) without an end of line"));
      }
      if (end > start) {
        String reason = parse(bytes, start, end, entries);
        if (reason != null) {
          skipped.add(new Skipped(start, reason));
        }
      }
      start = end + 1;
    }
    return new Read(entries, skipped, null);
  }

  /** Adds the line's entry, or returns why it cannot be read. */
  private static String parse(byte[] bytes, int start, int end, List<Entry> entries) {
    int jsonEnd = end;
    int tab = end - 9;
    if (tab >= start && bytes[tab] == '\t') {
      long expected;
      try {
        expected = Long.parseLong(new String(bytes, tab + 1, 8, StandardCharsets.US_ASCII), 16);
      } catch (NumberFormatException e) {
        return "a checksum that is not 8 hex digits";
      }
      if (crc(bytes, start, tab - start) != expected) {
        return "its checksum does not match";
      }
      jsonEnd = tab;
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, start, jsonEnd - start)).toString();
    } catch (CharacterCodingException e) {
      return "bytes that are not UTF-8";
    }
    try {
      entries.add(new Entry(start, new JsonObject(text)));
      return null;
    } catch (RuntimeException e) {
      return "text that is not a JSON object";
    }
  }

  private static long crc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return crc.getValue();
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
