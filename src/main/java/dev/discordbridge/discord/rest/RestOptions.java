package dev.discordbridge.discord.rest;

import dev.discordbridge.config.DiscordConfig;
import dev.discordbridge.discord.DiscordRest;
import java.net.URI;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Settings of the Discord REST client ({@link DiscordRest}). The bot token is sent only to
 * {@code apiBase}; {@link #toString()} never shows it. The settings an operator chooses (the API
 * base, the User-Agent URL) come from the configuration ({@link #of(DiscordConfig)}); the rest
 * follow Discord's published limits (50 requests per second globally; an IP ban at 10,000 invalid
 * requests per 10 minutes, so the invalid-request guard trips at a tenth of that) and are not settings.
 *
 * @param apiBase            e.g. {@code https://discord.com/api/v10}; no trailing slash needed
 * @param token              the bot token, without the {@code Bot } prefix
 * @param connectTimeoutMs   TCP connect timeout
 * @param requestTimeoutMs   whole-request timeout; past it a request is refused retryable
 * @param typingDebounceMs   a second typingStart for a channel within this is answered without a request
 * @param globalPerSecond    requests per second across every bucket
 * @param maxRateLimitWaitMs a request that would wait longer for a bucket is refused retryable instead
 * @param guardThreshold     invalid requests (401, 403, 429 except scope shared) that trip the guard
 * @param guardWindowMs      the window those are counted in (at least one second)
 * @param guardOpenMs        how long the tripped guard refuses everything before one probe
 * @param userAgentUrl       the URL in {@code User-Agent: DiscordBot (url, version)}
 * @param userAgentVersion   the version there
 * @param clock              milliseconds, monotonic enough for waits (tests inject one)
 */
public record RestOptions(URI apiBase, String token, int connectTimeoutMs, long requestTimeoutMs,
                          long typingDebounceMs, int globalPerSecond, long maxRateLimitWaitMs,
                          int guardThreshold, long guardWindowMs, long guardOpenMs,
                          String userAgentUrl, String userAgentVersion, LongSupplier clock) {

  /** The version in {@code User-Agent: DiscordBot (url, version)}. */
  public static final String USER_AGENT_VERSION = "1.1";

  public RestOptions {
    Objects.requireNonNull(apiBase, "apiBase");
    String scheme = apiBase.getScheme();
    if (!"https".equals(scheme) && !"http".equals(scheme) || apiBase.getHost() == null) {
      throw new IllegalArgumentException("apiBase must be an absolute http(s) URL: " + apiBase);
    }
    String path = apiBase.getRawPath() == null ? "" : apiBase.getRawPath();
    apiBase = URI.create(apiBase.getScheme() + "://" + apiBase.getRawAuthority() + path.replaceAll("/+$", ""));
    if (token == null || token.isBlank() || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
      throw new IllegalArgumentException("the bot token is required and must be printable ASCII without spaces");
    }
    positive("connectTimeoutMs", connectTimeoutMs);
    positive("requestTimeoutMs", requestTimeoutMs);
    if (typingDebounceMs < 0) {
      throw new IllegalArgumentException("typingDebounceMs must not be negative");
    }
    positive("globalPerSecond", globalPerSecond);
    positive("maxRateLimitWaitMs", maxRateLimitWaitMs);
    positive("guardThreshold", guardThreshold);
    if (guardWindowMs < 1000) {
      throw new IllegalArgumentException("guardWindowMs must be at least 1000");
    }
    positive("guardOpenMs", guardOpenMs);
    Objects.requireNonNull(userAgentUrl, "userAgentUrl");
    userAgentVersion = userAgentVersion == null ? USER_AGENT_VERSION : userAgentVersion;
    clock = clock == null ? RestOptions::monotonicMillis : clock;
  }

  /** Direct mode's client: {@code DISCORD_API_BASE}, {@code DISCORD_BOT_TOKEN}, {@code DISCORD_USER_AGENT_URL}. */
  public static RestOptions of(DiscordConfig discord) {
    return of(discord.apiBase(), discord.botToken(), discord.userAgentUrl());
  }

  /** {@code token} against {@code apiBase}, within Discord's published limits. */
  public static RestOptions of(URI apiBase, String token, String userAgentUrl) {
    return new RestOptions(apiBase, token, 10_000, 15_000, 8_000, 50, 30_000,
        1_000, 600_000, 60_000, userAgentUrl, null, null);
  }

  public RestOptions withTypingDebounceMs(long ms) {
    return new RestOptions(apiBase, token, connectTimeoutMs, requestTimeoutMs, ms, globalPerSecond,
        maxRateLimitWaitMs, guardThreshold, guardWindowMs, guardOpenMs, userAgentUrl, userAgentVersion, clock);
  }

  public RestOptions withTimeouts(int connectMs, long requestMs) {
    return new RestOptions(apiBase, token, connectMs, requestMs, typingDebounceMs, globalPerSecond,
        maxRateLimitWaitMs, guardThreshold, guardWindowMs, guardOpenMs, userAgentUrl, userAgentVersion, clock);
  }

  public RestOptions withLimits(int perSecond, long maxWaitMs) {
    return new RestOptions(apiBase, token, connectTimeoutMs, requestTimeoutMs, typingDebounceMs, perSecond,
        maxWaitMs, guardThreshold, guardWindowMs, guardOpenMs, userAgentUrl, userAgentVersion, clock);
  }

  public RestOptions withGuard(int threshold, long windowMs, long openMs) {
    return new RestOptions(apiBase, token, connectTimeoutMs, requestTimeoutMs, typingDebounceMs, globalPerSecond,
        maxRateLimitWaitMs, threshold, windowMs, openMs, userAgentUrl, userAgentVersion, clock);
  }

  /** {@code DiscordBot (url, version)}, the form Discord requires of bots. */
  public String userAgent() {
    return "DiscordBot (" + userAgentUrl + ", " + userAgentVersion + ")";
  }

  /** The absolute URL of {@code path} (which starts with a slash) under {@link #apiBase}. */
  public String url(String path) {
    return apiBase + path;
  }

  @Override
  public String toString() {
    return "RestOptions[apiBase=" + apiBase + ", token=<redacted>, connectTimeoutMs=" + connectTimeoutMs
        + ", requestTimeoutMs=" + requestTimeoutMs + ", typingDebounceMs=" + typingDebounceMs
        + ", globalPerSecond=" + globalPerSecond + ", maxRateLimitWaitMs=" + maxRateLimitWaitMs
        + ", guardThreshold=" + guardThreshold + ", guardWindowMs=" + guardWindowMs
        + ", guardOpenMs=" + guardOpenMs + ", userAgent=" + userAgent() + "]";
  }

  private static long monotonicMillis() {
    return System.nanoTime() / 1_000_000;
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive");
    }
  }
}
