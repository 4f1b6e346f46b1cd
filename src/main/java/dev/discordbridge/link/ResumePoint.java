package dev.discordbridge.link;

/**
 * The hub session the link resumes, across sockets: its id, the seq of the last accepted event
 * (the resume position), and the seq of the last event frame (valid or not: what a gap or a step
 * back is measured against; an invalid event must not move the position). How many resumes in a
 * row failed is {@link ResumeAttempts}.
 */
public final class ResumePoint {
  private String sessionId;
  private Long lastSeq;
  private Long lastFrameSeq;

  public String sessionId() {
    return sessionId;
  }

  public Long lastSeq() {
    return lastSeq;
  }

  public SessionPosition snapshot() {
    return sessionId == null ? null : new SessionPosition(sessionId, lastSeq);
  }

  /** A failover: go on from where another holder's session got. */
  public void resumeAt(SessionPosition p) {
    sessionId = p.sessionId();
    lastSeq = p.seq();
    lastFrameSeq = p.seq();
  }

  /** A resume is being sent: the replay starts right after the resume position. */
  public void resuming() {
    lastFrameSeq = lastSeq;
  }

  public void startFresh(String id) {
    sessionId = id;
    lastSeq = null;
    lastFrameSeq = null;
  }

  public void forget() {
    startFresh(null);
  }

  /** Records the seq of an event frame; returns the seq of the frame before it (null for the first). */
  public Long frameSeen(long seq) {
    Long previous = lastFrameSeq;
    lastFrameSeq = seq;
    return previous;
  }

  /** An event was accepted at {@code seq}: the resume position. */
  public void accepted(long seq) {
    lastSeq = seq;
  }
}
