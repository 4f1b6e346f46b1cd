package dev.discordbridge.bus;

import java.util.List;

/**
 * The reply of {@code bridge.gateway.ingest}: how many events of the batch were published, how
 * many were already seen, and why each of the others was refused (by its index in the batch).
 */
public record IngestResult(int accepted, int duplicates, List<Rejected> rejected) {

  public IngestResult {
    if (accepted < 0 || duplicates < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
    rejected = rejected == null ? List.of() : List.copyOf(rejected);
  }

  /** One refused item of the batch. */
  public record Rejected(int index, String reason) {}
}
