package dev.discordbridge.discord.rest;

/**
 * A request Discord's rate limits would hold longer than {@link RestOptions#maxRateLimitWaitMs}:
 * it was not sent (or was answered 429), and may be tried again after {@link #retryAfterMs()}.
 */
public final class RestRateLimitedException extends RuntimeException {
  private final long retryAfterMs;
  private final String scope;

  public RestRateLimitedException(long retryAfterMs, String scope) {
    super("rate limited (" + scope + ") for " + retryAfterMs + " ms", null, false, false);
    this.retryAfterMs = retryAfterMs;
    this.scope = scope;
  }

  public long retryAfterMs() {
    return retryAfterMs;
  }

  /** {@code user}, {@code global}, {@code shared}, or {@code bucket} for a wait known before sending. */
  public String scope() {
    return scope;
  }
}
