package dev.discordbridge.discord;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The rate limits of {@link FakeDiscordRest}, as Discord's "Rate Limits" topic describes them:
 * per-route buckets of {@code limit} requests per window (the window starts with its first
 * request), named by a hash that several routes may share, counted separately per major
 * parameter; a global limit per second; the {@code X-RateLimit-*} headers; 429 bodies with
 * {@code retry_after} and {@code global}. Called under the fake's lock.
 */
public final class FakeDiscordRestLimits {
  private record Limit(int limit, long windowMs, String hash) {}

  private static final class Window {
    int used;
    long resetAt;
  }

  private final Map<String, Limit> limits = new HashMap<>();
  private final Map<String, Window> windows = new HashMap<>();
  private final Map<String, Integer> rateLimitedByHash = new HashMap<>();
  private int globalPerSecond = 50;
  private long globalWindowStart;
  private int globalUsed;

  public void limit(String route, int limit, long windowMs, String hash) {
    limits.put(route, new Limit(limit, windowMs, hash));
  }

  public void unlimited(String route) {
    limits.remove(route);
  }

  public void globalLimit(int perSecond) {
    globalPerSecond = perSecond;
  }

  /** 429s answered for a bucket hash ({@code global} for the global limit). */
  public int rateLimited(String hash) {
    return rateLimitedByHash.getOrDefault(hash, 0);
  }

  public FakeDiscordRest.Answer global(long now, MultiMap h) {
    if (now - globalWindowStart >= 1000) {
      globalWindowStart = now;
      globalUsed = 0;
    }
    if (globalUsed >= globalPerSecond) {
      return global429(h, globalWindowStart + 1000 - now);
    }
    globalUsed++;
    return null;
  }

  private FakeDiscordRest.Answer global429(MultiMap h, long retryAfterMs) {
    h.add("Retry-After", Long.toString((retryAfterMs + 999) / 1000)).add("X-RateLimit-Global", "true")
        .add("X-RateLimit-Scope", "global");
    rateLimitedByHash.merge("global", 1, Integer::sum);
    return new FakeDiscordRest.Answer(429, h, new JsonObject().put("message", "You are being rate limited.")
        .put("retry_after", retryAfterMs / 1000.0).put("global", true));
  }

  public FakeDiscordRest.Answer forced429(String scope, long retryAfterMs, String route, String major, long now, MultiMap h) {
    if ("global".equals(scope)) {
      return global429(h, retryAfterMs);
    }
    Limit l = limits.get(route);
    if (l != null) {
      Window w = window(l, major, now);
      headers(h, l, w, now);
      rateLimitedByHash.merge(l.hash, 1, Integer::sum);
    }
    h.set("Retry-After", Long.toString((retryAfterMs + 999) / 1000)).set("X-RateLimit-Scope", scope);
    return new FakeDiscordRest.Answer(429, h, new JsonObject().put("message", "You are being rate limited.")
        .put("retry_after", retryAfterMs / 1000.0).put("global", false));
  }

  public FakeDiscordRest.Answer bucket(String route, String major, long now, MultiMap h) {
    Limit l = limits.get(route);
    if (l == null) {
      return null;
    }
    Window w = window(l, major, now);
    if (w.used >= l.limit) {
      headers(h, l, w, now);
      long retry = w.resetAt - now;
      h.add("Retry-After", Long.toString((retry + 999) / 1000)).add("X-RateLimit-Scope", "user");
      rateLimitedByHash.merge(l.hash, 1, Integer::sum);
      return new FakeDiscordRest.Answer(429, h, new JsonObject().put("message", "You are being rate limited.")
          .put("retry_after", retry / 1000.0).put("global", false));
    }
    w.used++;
    headers(h, l, w, now);
    return null;
  }

  private Window window(Limit l, String major, long now) {
    Window w = windows.computeIfAbsent(l.hash + " " + major, k -> new Window());
    if (now >= w.resetAt) {
      w.used = 0;
      w.resetAt = now + l.windowMs;
    }
    return w;
  }

  private static void headers(MultiMap h, Limit l, Window w, long now) {
    long after = w.resetAt - now;
    double epochReset = (System.currentTimeMillis() + after) / 1000.0;
    h.set("X-RateLimit-Limit", Integer.toString(l.limit))
        .set("X-RateLimit-Remaining", Integer.toString(Math.max(0, l.limit - w.used)))
        .set("X-RateLimit-Reset", String.format(Locale.ROOT, "%.3f", epochReset))
        .set("X-RateLimit-Reset-After", String.format(Locale.ROOT, "%.3f", after / 1000.0))
        .set("X-RateLimit-Bucket", l.hash);
  }
}
