package dev.discordbridge.bus;

/**
 * {@link Addresses#COMMAND_DRAIN} (local only, at shutdown): refuse new commands, send what the
 * queue holds for up to {@code graceMs}, then stop. Answered with a {@link Report}.
 */
public record CommandDrain(long graceMs) {
  public CommandDrain {
    if (graceMs < 0) {
      throw new IllegalArgumentException("graceMs must be >= 0");
    }
  }

  /**
   * What the drain left: commands still queued, where they are kept, how long it waited, whether
   * the link was usable, and the age of the oldest command left (null when none is left).
   */
  public record Report(int remaining, String keptIn, long waitedMs, boolean linkUsable, Long oldestAgeMs) {}
}
