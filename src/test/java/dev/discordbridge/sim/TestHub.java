package dev.discordbridge.sim;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The simulated hub with the tests' fault switches and observations: refused or closed upgrades,
 * silent heartbeats, unresumable sessions, custom command answers, raw frames, and what the bridge
 * sent. Switches are thread-safe (tests flip them from their own thread).
 */
public class TestHub extends SimulatedHub {
  private volatile boolean ackHeartbeats = true;
  private volatile boolean rejectWithClose;
  private volatile boolean refuseConnections;
  private volatile Function<JsonObject, JsonObject> commandAnswer;
  private final AtomicLong invalidation = new AtomicLong();
  private final AtomicInteger handshakes = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger maxOpen = new AtomicInteger();
  private final List<JsonObject> received = Collections.synchronizedList(new ArrayList<>());
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();

  public TestHub(String linkToken, double eventsPerSecond) {
    super(linkToken, eventsPerSecond);
  }

  public TestHub(String linkToken, double eventsPerSecond, long heartbeatIntervalMs) {
    super(linkToken, eventsPerSecond, heartbeatIntervalMs);
  }

  // ---- switches ----

  /** Sessions that exist now cannot be resumed: the next {@code resume} gets {@code invalidSession} and a fresh session. */
  public void invalidateSessions() {
    invalidation.incrementAndGet();
  }

  /** false: heartbeats are no longer acked (a zombie link, as the bridge sees it). */
  public void ackHeartbeats(boolean ack) {
    ackHeartbeats = ack;
  }

  /** true: a bad link token is refused by accepting the upgrade and closing with 4004 (instead of HTTP 401). */
  public void rejectWithClose(boolean close) {
    rejectWithClose = close;
  }

  /**
   * true: every upgrade is refused with HTTP 503 (the hub is unreachable for the bridge) until set
   * back to false. Open links stay up: {@link #dropLink} after this holds the link down.
   */
  public void refuseConnections(boolean refuse) {
    refuseConnections = refuse;
  }

  /**
   * How the hub answers a {@code command} frame: given the command object, return the {@code ack}
   * frame to send, or null to send none. {@code null}: the demo world's answer.
   */
  public void onCommand(Function<JsonObject, JsonObject> answer) {
    commandAnswer = answer;
  }

  /** Writes {@code text} as it is (malformed frames) to the bridge's current socket. */
  public Future<Void> sendRaw(String text) {
    return currentSocket().compose(ws -> ws == null
        ? Future.failedFuture(new IllegalStateException("no bridge connected"))
        : ws.writeTextMessage(text));
  }

  // ---- observations ----

  /** Every frame the bridge sent, in order (heartbeats included; {@code {"unparsable": text}} for garbage). */
  public List<JsonObject> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /**
   * Completes once the frames received so far satisfy {@code condition} (checked now and after
   * every frame): a test thread awaits what the bridge sends instead of polling.
   */
  public CompletableFuture<Void> whenReceived(Predicate<List<JsonObject>> condition) {
    var waiter = new Waiter(condition, new CompletableFuture<>());
    waiters.add(waiter);
    check(waiter);
    return waiter.done();
  }

  private record Waiter(Predicate<List<JsonObject>> condition, CompletableFuture<Void> done) {}

  private void check(Waiter w) {
    if (!w.done().isDone() && w.condition().test(received())) {
      waiters.remove(w);
      w.done().complete(null);
    }
  }

  /** Sockets accepted so far, and those open now (a test asserts "never more than one link"). */
  public int connectionsAccepted() { return accepted.get(); }

  public int connectionsOpen() { return open.get(); }

  /** The most sockets that were ever open at once. */
  public int maxConnectionsOpen() { return maxOpen.get(); }

  /** Upgrade requests seen so far, refused ones included (a test asserts a refused bridge does not spin). */
  public int handshakes() { return handshakes.get(); }

  // ---- the hooks ----

  @Override
  protected int refusal() {
    return refuseConnections ? 503 : 0;
  }

  @Override
  protected boolean closesBadTokens() {
    return rejectWithClose;
  }

  @Override
  protected long sessionGeneration() {
    return invalidation.get();
  }

  @Override
  protected boolean acksHeartbeats() {
    return ackHeartbeats;
  }

  @Override
  protected Function<JsonObject, JsonObject> commandAnswer() {
    return commandAnswer;
  }

  @Override
  protected void upgradeSeen() {
    handshakes.incrementAndGet();
  }

  @Override
  protected void socketOpened() {
    accepted.incrementAndGet();
    maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
  }

  @Override
  protected void socketClosed() {
    open.decrementAndGet();
  }

  @Override
  protected void frameReceived(JsonObject frame, String text) {
    received.add(frame != null ? frame : new JsonObject().put("unparsable", text));
    for (Waiter w : waiters) {
      check(w);
    }
  }
}
