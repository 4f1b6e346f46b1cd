package dev.discordbridge.bus;

import java.util.Objects;

/**
 * {@link Addresses#DEMO_DROPOUT} reply. {@code SCHEDULED}: the user is in {@code channelId}
 * ({@code joined}: put there now) and drops at {@code dropsAt}; {@code NOT_A_DEMO_USER}: not a
 * user one can sign in as; {@code NOT_LINKED}: no bridge is linked to the hub yet. The place
 * fields are null unless scheduled.
 */
public record DemoDropoutOutcome(Status status, String guildId, String channelId, String channelName, boolean joined,
                                 String dropsAt) {
  public enum Status { SCHEDULED, NOT_A_DEMO_USER, NOT_LINKED }

  public static final DemoDropoutOutcome NOT_A_DEMO_USER =
      new DemoDropoutOutcome(Status.NOT_A_DEMO_USER, null, null, null, false, null);
  public static final DemoDropoutOutcome NOT_LINKED =
      new DemoDropoutOutcome(Status.NOT_LINKED, null, null, null, false, null);

  public DemoDropoutOutcome {
    Objects.requireNonNull(status, "status");
    if (status == Status.SCHEDULED && (guildId == null || channelId == null || dropsAt == null)) {
      throw new IllegalArgumentException("a scheduled dropout names its guild, channel and time");
    }
  }

  /** The same dropout, reported again (a second click while one is under way). */
  public DemoDropoutOutcome again() {
    return new DemoDropoutOutcome(status, guildId, channelId, channelName, false, dropsAt);
  }
}
