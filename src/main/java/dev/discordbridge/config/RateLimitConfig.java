package dev.discordbridge.config;

/** Token buckets: {@code capacity} tokens, refilled evenly over {@code periodSeconds}. */
public record RateLimitConfig(Bucket user, Bucket channel) {
  public record Bucket(int capacity, int periodSeconds) {
    @Override
    public String toString() {
      return capacity + "/" + periodSeconds + "s";
    }
  }
}
