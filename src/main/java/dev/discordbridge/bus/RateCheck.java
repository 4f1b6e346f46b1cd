package dev.discordbridge.bus;

import java.util.Objects;

/** {@link RateLimits#check}: take one token from the user's and the channel's bucket. */
public record RateCheck(String userId, String channelId, String traceId) {
  public RateCheck {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(channelId, "channelId");
  }
}
