package dev.discordbridge.link;

import io.vertx.core.Vertx;
import java.util.function.LongConsumer;

/**
 * Heartbeats on one upstream socket, and zombie detection, for the hub link and the Discord
 * shards alike: a beat every interval (the first after its own delay); a beat due while the one
 * before is still unacknowledged means the peer stopped answering (a zombie link): reported
 * once, instead of the beat, and the heartbeat stops. Each upstream says what a beat sends and
 * what a zombie does. Not thread-safe: used from its socket's context only.
 */
public final class Heartbeat {

  /** One-shot timers: Vert.x's in the bridge, a fake clock in tests. */
  public interface Timers {
    long schedule(long delayMs, Runnable task);

    void cancel(long id);

    static Timers of(Vertx vertx) {
      return new Timers() {
        @Override
        public long schedule(long delayMs, Runnable task) {
          return vertx.setTimer(Math.max(1, delayMs), id -> task.run());
        }

        @Override
        public void cancel(long id) {
          if (id >= 0) {
            vertx.cancelTimer(id);
          }
        }
      };
    }
  }

  private final Timers timers;
  private final Runnable beat;
  private final LongConsumer zombie;
  private long intervalMs;
  private long timer = -1;
  private boolean running;
  private boolean awaitingAck;

  /**
   * @param beat sends one heartbeat
   * @param zombie called with the interval when a beat is due and the last one was not acknowledged
   */
  public Heartbeat(Timers timers, Runnable beat, LongConsumer zombie) {
    this.timers = timers;
    this.beat = beat;
    this.zombie = zombie;
  }

  /** (Re)starts: the first beat after {@code firstMs} (at once when not positive), then every {@code intervalMs}. */
  public void start(long intervalMs, long firstMs) {
    stop();
    this.intervalMs = intervalMs;
    running = true;
    if (firstMs <= 0) {
      due();
    } else {
      timer = timers.schedule(firstMs, this::due);
    }
  }

  /** The peer acknowledged the last beat. */
  public void acked() {
    awaitingAck = false;
  }

  /** Stops beating (the socket is gone, or the handshake starts again). */
  public void stop() {
    running = false;
    awaitingAck = false;
    timers.cancel(timer);
    timer = -1;
  }

  public long intervalMs() {
    return intervalMs;
  }

  public boolean awaitingAck() {
    return awaitingAck;
  }

  private void due() {
    timer = -1;
    if (!running) {
      return;
    }
    if (awaitingAck) {
      stop();
      zombie.accept(intervalMs);
      return;
    }
    awaitingAck = true;
    beat.run();
    if (running) {
      timer = timers.schedule(intervalMs, this::due);
    }
  }
}
