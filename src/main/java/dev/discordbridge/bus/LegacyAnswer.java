package dev.discordbridge.bus;

/**
 * {@link Addresses#LEGACY_INBOUND} reply: what the edge does with the socket. {@code send}: a text
 * frame to write, or null; {@code subscribe}: a guild the socket now follows, or null;
 * {@code error}: the frame was invalid (the edge adds it to the connection's count);
 * {@code closeCode} (0 = keep open) and {@code closeReason}: close the socket after sending.
 */
public record LegacyAnswer(String send, String subscribe, boolean error, int closeCode, String closeReason) {
  public LegacyAnswer {
    if (closeCode != 0 && (closeCode < 1000 || closeCode > 4999)) {
      throw new IllegalArgumentException("close code " + closeCode + " is not a WebSocket close code");
    }
  }

  public static LegacyAnswer send(String frame) {
    return new LegacyAnswer(frame, null, false, 0, null);
  }

  public boolean closes() {
    return closeCode != 0;
  }
}
