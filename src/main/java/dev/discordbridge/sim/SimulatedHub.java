package dev.discordbridge.sim;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/**
 * A real WebSocket hub on 127.0.0.1 (random port) that speaks the link contract (CONTRACT
 * section 1). In demo mode it generates believable traffic; in tests it is driven through the
 * control methods below (all thread-safe, callable from a test thread).
 *
 * STUB: signatures fixed, implementation pending (gateway/sim helper).
 */
public final class SimulatedHub extends VerticleBase {
  public static final String PATH = "/gateway";
  private final String linkToken;
  private final double eventsPerSecond;
  private int port;

  /** @param eventsPerSecond demo traffic rate; 0 = no generated traffic (tests drive it) */
  public SimulatedHub(String linkToken, double eventsPerSecond) {
    this.linkToken = linkToken;
    this.eventsPerSecond = eventsPerSecond;
  }

  public int port() { return port; }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer().webSocketHandler(ws -> ws.close()).listen(0, "127.0.0.1")
        .onSuccess(s -> port = s.actualPort());
  }

  /** Sends {@code event} (contract shape) as the next {@code event} frame of the current session; returns its seq. */
  public Future<Long> emit(JsonObject event) { throw new UnsupportedOperationException(); }

  /** Closes the bridge's socket abruptly; the session stays resumable. */
  public Future<Void> dropLink() { throw new UnsupportedOperationException(); }

  /** The next {@code resume} is answered with {@code invalidSession} and a fresh session. */
  public void invalidateSessions() { throw new UnsupportedOperationException(); }

  /** false: heartbeats are no longer acked (a zombie link, as the bridge sees it). */
  public void ackHeartbeats(boolean ack) { throw new UnsupportedOperationException(); }

  /**
   * How the hub answers a {@code command} frame: given the command object, return the {@code ack}
   * frame to send, or null to send none. Default: ok, echoing messages and reactions as events.
   */
  public void onCommand(Function<JsonObject, JsonObject> answer) { throw new UnsupportedOperationException(); }

  /** Every frame the bridge sent, in order (heartbeats included). */
  public List<JsonObject> received() { throw new UnsupportedOperationException(); }

  /** Sockets accepted so far, and those open now (a test asserts "never more than one link"). */
  public int connectionsAccepted() { throw new UnsupportedOperationException(); }

  public int connectionsOpen() { throw new UnsupportedOperationException(); }

  /** The demo roster: guilds, channels, users (the {@code bridge.demo.roster} reply). */
  public JsonObject roster() { throw new UnsupportedOperationException(); }
}
