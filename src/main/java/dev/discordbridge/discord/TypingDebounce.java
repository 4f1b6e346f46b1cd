package dev.discordbridge.discord;

import java.util.HashMap;
import java.util.Map;

/**
 * One typing request per channel per window: Discord shows "typing" for about 10 seconds after
 * {@code POST /channels/{id}/typing}, so a second typingStart within the window changes nothing
 * on screen and would only spend the bucket. Pure logic; the caller passes the time.
 */
public final class TypingDebounce {
  private static final int PRUNE_AT = 10_000;
  private final long windowMs;
  private final Map<String, Long> sentAt = new HashMap<>();

  public TypingDebounce(long windowMs) {
    this.windowMs = windowMs;
  }

  /** True when a request must go for {@code channel} now (and it is marked sent); false within the window. */
  public boolean begin(String channel, long now) {
    Long last = sentAt.get(channel);
    if (last != null && now - last < windowMs) {
      return false;
    }
    if (sentAt.size() >= PRUNE_AT) {
      sentAt.values().removeIf(t -> now - t >= windowMs);
    }
    sentAt.put(channel, now);
    return true;
  }

  /** The request begun at {@code at} failed: the next typingStart for the channel sends again. */
  public void failed(String channel, long at) {
    sentAt.remove(channel, at);
  }

  int size() {
    return sentAt.size();
  }
}
