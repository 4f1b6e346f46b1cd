package dev.discordbridge.edge.sse;

import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamIds;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The last {@code capacity} replayable events of one router instance, in stream-id order, each
 * with a payload (the SSE frame, built once). Pure: no Vert.x, single-threaded by contract (one
 * event loop owns it).
 *
 * <p>What it can prove: every event with an id greater than {@link #minResumable()} and up to
 * {@link #head()} went through {@link #offer}, so a client whose last id lies in that range can
 * be resumed without a gap. Ephemeral events ({@code typingStart}) advance the head but are never
 * stored. A RESET restarts the window after it. A fresh window ({@code head() == -1}) can prove
 * nothing: every resume attempt is answered with a reset, until an event or an {@link #anchor}
 * gives it a position.
 *
 * @param <T> the payload stored beside each event
 */
public final class ReplayWindow<T> {
  /** How a client's {@code Last-Event-ID} is answered. */
  public enum Outcome {
    /** Replay the stored events after the id, then go live. */
    REPLAY,
    /** The id is a little ahead of this instance (another instance served it): go live, skip ids up to it. */
    AHEAD,
    /** Continuity cannot be proven: the client must refetch its state. */
    RESET
  }

  /** How far (in counter steps, same epoch) an id may be ahead of this instance's head and still be trusted. */
  static final long MAX_AHEAD = 100_000;
  private static final int INITIAL_CAPACITY = 1024;

  private final int capacity;
  private long[] ids;
  private StreamEvent[] events;
  private Object[] payloads;
  private int start;
  private int size;
  private long head = -1;
  private long minResumable = Long.MAX_VALUE;

  public ReplayWindow(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0");
    }
    this.capacity = capacity;
    int initial = Math.min(capacity, INITIAL_CAPACITY);
    ids = new long[initial];
    events = new StreamEvent[initial];
    payloads = new Object[initial];
  }

  /** The id of the last event offered (stored or not), or the last reset's id; -1 before any. */
  public long head() { return head; }

  /** The smallest last-event id that can be resumed; {@code Long.MAX_VALUE} while nothing is known. */
  public long minResumable() { return minResumable; }

  public int size() { return size; }

  public int capacity() { return capacity; }

  /** True when {@code e} is newer than everything seen (duplicates and stale events are refused). */
  public boolean isNew(StreamEvent e) {
    return e.streamId() > head;
  }

  /**
   * Takes an EVENT in stream-id order. Returns false (and changes nothing) for an id not above the
   * head: a duplicate, e.g. after merging a peer's window.
   */
  public boolean offer(StreamEvent e, T payload) {
    if (e.streamId() <= head) {
      return false;
    }
    if (head < 0) {
      // The first event this window sees: a client that has it misses nothing after it.
      minResumable = e.streamId();
    }
    minResumable = append(e, payload, minResumable);
    return true;
  }

  /** Stores {@code e} after the head; returns the new proof floor (raised by evictions). */
  private long append(StreamEvent e, T payload, long floor) {
    if (e.streamId() <= head) {
      return floor;
    }
    head = e.streamId();
    if (e.ephemeral()) {
      return floor;
    }
    if (capacity == 0) {
      return head;
    }
    if (size == capacity) {
      floor = Math.max(floor, ids[start]);
      events[start] = null;
      payloads[start] = null;
      start = (start + 1) % ids.length;
      size--;
    } else if (size == ids.length) {
      grow();
    }
    int slot = (start + size) % ids.length;
    ids[slot] = e.streamId();
    events[slot] = e;
    payloads[slot] = payload;
    size++;
    return floor;
  }

  /**
   * A RESET on the bus: nothing before it can be resumed. A reset normally carries a fresh id
   * (above every event before it); one that does not is treated as sitting just after the head,
   * so even a client holding the head id gets a reset.
   */
  public void reset(long resetId) {
    clear();
    if (resetId > head) {
      head = resetId;
      minResumable = resetId;
    } else {
      minResumable = head + 1;
    }
  }

  /**
   * The id a reset frame should carry: the current position, -1 only while nothing is known. A
   * client that resumes from it misses nothing, except after a reset whose id was not fresh: then
   * the head may be the id of an event from before that reset, and a resume from it gets one more
   * reset (the conservative side) until the next event moves the head.
   */
  public long resetResumeId() {
    return head;
  }

  /**
   * Gives a window that has seen nothing a position: {@code id} is the link holder's head at a
   * moment when every later event is known to reach this window (the caller's proof), so a client
   * holding {@code id} misses nothing after it. No effect once the window has a head.
   */
  public void anchor(long id) {
    if (head < 0 && id >= 0) {
      head = id;
      minResumable = id;
    }
  }

  /** How to answer a client whose last event id is {@code lastId} (already parsed, >= 0). */
  public Outcome resolve(long lastId) {
    if (head < 0 || lastId < minResumable) {
      return Outcome.RESET;
    }
    if (lastId <= head) {
      return Outcome.REPLAY;
    }
    boolean sameEpoch = StreamIds.epoch(lastId) == StreamIds.epoch(head);
    return sameEpoch && StreamIds.counter(lastId) - StreamIds.counter(head) <= MAX_AHEAD ? Outcome.AHEAD : Outcome.RESET;
  }

  /** Index (0 = oldest stored) of the first stored event with an id greater than {@code id}. */
  public int indexAfter(long id) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ids[(start + mid) % ids.length] <= id) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  public StreamEvent event(int index) {
    return events[(start + index) % ids.length];
  }

  @SuppressWarnings("unchecked")
  public T payload(int index) {
    return (T) payloads[(start + index) % ids.length];
  }

  /**
   * Adopts a peer's window (for a late-starting instance). Accepted only when this window has
   * seen nothing yet, or when the peer's proven range reaches this window's own floor, so that the
   * union is contiguous. Returns whether anything was adopted.
   *
   * @param peerMin the peer's {@link #minResumable()}
   * @param peerHead the peer's {@link #head()}
   * @param peerEvents the peer's stored events, oldest first
   */
  public boolean adopt(long peerMin, long peerHead, List<StreamEvent> peerEvents, Function<StreamEvent, T> payloadOf) {
    if (peerHead < 0 || peerMin > peerHead) {
      return false;
    }
    boolean empty = head < 0;
    if (!empty && (peerHead < minResumable || peerMin >= minResumable)) {
      return false; // a possible gap between the two, or nothing to gain
    }
    List<StreamEvent> ourEvents = new ArrayList<>(size);
    List<T> ourPayloads = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      ourEvents.add(event(i));
      ourPayloads.add(payload(i));
    }
    long ourMin = minResumable;
    long ourHead = head;
    clear();
    head = -1;
    long floor = peerMin;
    for (StreamEvent e : peerEvents) {
      if (!empty && e.streamId() > ourMin) {
        break;
      }
      floor = append(e, payloadOf.apply(e), floor);
    }
    head = Math.max(head, empty ? peerHead : ourMin);
    for (int i = 0; i < ourEvents.size(); i++) {
      floor = append(ourEvents.get(i), ourPayloads.get(i), floor);
    }
    head = Math.max(head, ourHead);
    minResumable = floor;
    return true;
  }

  private void clear() {
    java.util.Arrays.fill(events, null);
    java.util.Arrays.fill(payloads, null);
    start = 0;
    size = 0;
  }

  private void grow() {
    int n = (int) Math.min(capacity, Math.max(16L, ids.length * 2L));
    long[] i2 = new long[n];
    StreamEvent[] e2 = new StreamEvent[n];
    Object[] p2 = new Object[n];
    for (int i = 0; i < size; i++) {
      int from = (start + i) % ids.length;
      i2[i] = ids[from];
      e2[i] = events[from];
      p2[i] = payloads[from];
    }
    ids = i2;
    events = e2;
    payloads = p2;
    start = 0;
  }
}
