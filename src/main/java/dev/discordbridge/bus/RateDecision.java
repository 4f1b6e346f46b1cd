package dev.discordbridge.bus;

/**
 * The answer to a {@link RateCheck}: allowed, or the scope ({@code user} or {@code channel}) whose
 * bucket refused and how long until a retry can pass. A store failure fails the message instead.
 */
public record RateDecision(boolean allowed, String scope, long retryAfterMs) {
  public static final RateDecision ALLOWED = new RateDecision(true, null, 0);

  public RateDecision {
    if (!allowed && (scope == null || retryAfterMs < 0)) {
      throw new IllegalArgumentException("a refusal names its scope and a wait >= 0");
    }
  }

  public static RateDecision refused(String scope, long retryAfterMs) {
    return new RateDecision(false, scope, retryAfterMs);
  }
}
