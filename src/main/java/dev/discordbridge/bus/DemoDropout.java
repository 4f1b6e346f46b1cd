package dev.discordbridge.bus;

import java.util.Objects;

/** {@link Addresses#DEMO_DROPOUT} request: the signed-in demo user to put in a voice channel and drop. Reply: {@link DemoDropoutOutcome}. */
public record DemoDropout(String userId) {
  public DemoDropout {
    Objects.requireNonNull(userId, "userId");
  }
}
