package dev.discordbridge.ops;

import dev.discordbridge.bus.LinkStatus;
import java.util.HashMap;
import java.util.Map;

/**
 * Readiness from {@code bridge.link.status}: ready while some node recently reported a usable
 * upstream link (the holder publishes every second; a silent holder counts as gone).
 */
public final class LinkReadiness {
  public static final long STALE_AFTER_MS = 5_000;

  private record Seen(boolean usable, long at, String detail) {}

  private final Map<String, Seen> byNode = new HashMap<>();

  public synchronized void update(LinkStatus status, long nowMillis) {
    if (status == null) {
      return;
    }
    byNode.put(status.nodeId(), new Seen(status.usable(), nowMillis, status.holder() ? status.detail() : null));
  }

  /**
   * Why the link is not ready, for /health/ready: what the holder said (e.g. Discord refused the
   * intents), or that no node reported a usable link lately.
   */
  public synchronized String reason(long nowMillis) {
    for (Seen s : byNode.values()) {
      if (s.detail != null && nowMillis - s.at <= STALE_AFTER_MS) {
        return s.detail;
      }
    }
    return "no usable upstream link reported in the last " + STALE_AFTER_MS + " ms";
  }

  public synchronized boolean ready(long nowMillis) {
    for (Seen s : byNode.values()) {
      if (s.usable && nowMillis - s.at <= STALE_AFTER_MS) {
        return true;
      }
    }
    return false;
  }
}
