package dev.discordbridge.link;

/**
 * Resumes that failed in a row, for the hub link and the Discord shards alike. A resume sent on
 * a socket is unproven until something proves it (an accepted event, RESUMED or READY, a stable
 * link); a socket that ends while its resume is unproven counts one failure (the peer may replay
 * something this bridge cannot read, and would again). Past the limit the caller gives the
 * session up and starts a fresh one. Not thread-safe: used from one context.
 */
public final class ResumeAttempts {
  private final int max;
  private boolean unproven;
  private int failed;

  /** @param max failed resumes in a row after which the session is given up */
  public ResumeAttempts(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be >= 1, got " + max);
    }
    this.max = max;
  }

  /** A socket starts: it carries a resume ({@code resuming}) or not (a new session, an Identify). */
  public void begin(boolean resuming) {
    unproven = resuming;
  }

  /** The resume worked (or the session is new and working): the count starts again. */
  public void proven() {
    unproven = false;
    failed = 0;
  }

  /**
   * The socket ended.
   *
   * @param counts whether this end may count as a failed resume (not a stand-down, not a refusal)
   * @return true when it counted one
   */
  public boolean ended(boolean counts) {
    boolean was = unproven;
    unproven = false;
    if (was && counts) {
      failed++;
      return true;
    }
    return false;
  }

  /** Whether {@code max} resumes in a row failed: time to give the session up. */
  public boolean exhausted() {
    return failed >= max;
  }

  public int failed() {
    return failed;
  }

  public boolean unproven() {
    return unproven;
  }

  /** The session was given up or replaced: nothing is pending, nothing has failed. */
  public void reset() {
    unproven = false;
    failed = 0;
  }
}
