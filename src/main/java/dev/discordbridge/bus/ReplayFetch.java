package dev.discordbridge.bus;

import java.util.Objects;

/**
 * {@link Addresses#REPLAY_FETCH} request (local only, router instance → sibling instances): the
 * asking instance's id, so that an instance reached by its own request answers "nothing".
 */
public record ReplayFetch(String from) {
  public ReplayFetch {
    Objects.requireNonNull(from, "from");
  }
}
