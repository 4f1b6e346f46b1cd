package dev.discordbridge.link;

import dev.discordbridge.contract.StreamIds;

/**
 * Hands out stream ids ({@link StreamIds}): one epoch per term as link holder, a counter that
 * keeps growing across reconnects of the link, a fresh epoch when the counter would overflow.
 * Also remembers the highest id seen on the bus, so that a future term starts above it.
 */
public final class Sequencer {
  private long epoch = -1;
  private long counter;
  private long highestSeen = -1;

  /** Starts a term as holder: an epoch above every id seen so far. */
  public long startTerm(long nowMillis) {
    return startTerm(nowMillis, -1);
  }

  /** Starts a term with at least {@code minEpoch} (the fencing token a cluster lease granted). */
  public long startTerm(long nowMillis, long minEpoch) {
    epoch = Math.max(minEpoch, StreamIds.nextEpoch(nowMillis, highestSeen));
    counter = 0;
    highestSeen = Math.max(highestSeen, StreamIds.of(epoch, 0));
    return epoch;
  }

  /** The next stream id. Call {@link #startTerm} first. */
  public long next(long nowMillis) {
    if (epoch < 0) {
      throw new IllegalStateException("not holding the link: no epoch");
    }
    if (counter >= StreamIds.MAX_COUNTER) {
      startTerm(nowMillis);
    }
    counter++;
    long id = StreamIds.of(epoch, counter);
    highestSeen = Math.max(highestSeen, id);
    return id;
  }

  /** Records an id published by any holder (this node's included). */
  public void observe(long streamId) {
    highestSeen = Math.max(highestSeen, streamId);
  }

  /** The last id handed out in this term, or -1 outside a term. */
  public long head() {
    return epoch < 0 ? -1 : StreamIds.of(epoch, counter);
  }

  public long epoch() { return epoch; }

  public long highestSeen() { return highestSeen; }

  /** Ends the term (stand-down); ids seen are still remembered. */
  public void endTerm() {
    epoch = -1;
    counter = 0;
  }

  /** For tests of the overflow path. */
  void jumpCounter(long value) {
    counter = value;
  }
}
