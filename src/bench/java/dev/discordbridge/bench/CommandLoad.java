package dev.discordbridge.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Command POSTs at an offered rate over a pool of keep-alive connections, open loop: every
 * millisecond it sends the commands due by then (rate x elapsed), whether or not earlier ones
 * were answered, so that a server that falls behind shows it in its latency and answered/s rather
 * than in a slower offer. Latency is request to response; every answer is counted by status.
 */
final class CommandLoad extends VerticleBase {

  record Result(Histogram latencyMicros, long sent, long answered, Map<String, Long> outcomes, long windowNanos) {}

  private final Target.CommandSpec spec;
  private final int connections;
  private HttpClientAgent client;
  private long timer = -1;
  private double perSecond;
  private long startedAt;
  private long due;
  private int n;
  private long sent;
  private long answered;
  private int window;
  private Histogram latency = SseLoop.newHistogram();
  private Map<String, Long> outcomes = new TreeMap<>();
  private long windowStart;

  CommandLoad(Target.CommandSpec spec, int connections) {
    this.spec = spec;
    this.connections = connections;
  }

  @Override
  public Future<?> start() {
    client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(0))
        .with(new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1))
        .build();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return client.close();
  }

  /** Offers {@code rate} commands/s from now on (a warm-up: not counted until {@link #begin}). */
  void offer(double rate) {
    context.runOnContext(v -> {
      window++;
      latency = SseLoop.newHistogram(); // the warm-up's answers land here and are dropped
      outcomes = new TreeMap<>();
      perSecond = rate;
      startedAt = System.nanoTime();
      due = 0;
      if (timer < 0) {
        timer = vertx.setPeriodic(1, t -> fire());
      }
    });
  }

  /** Counts from now on. */
  void begin() {
    context.runOnContext(v -> {
      window++;
      latency = SseLoop.newHistogram();
      outcomes = new TreeMap<>();
      sent = 0;
      answered = 0;
      windowStart = System.nanoTime();
    });
  }

  /** Stops offering; the figures once the commands sent in the window are answered (at most {@code drainSeconds}). */
  Future<Result> end(int drainSeconds) {
    Promise<Result> p = Promise.promise();
    context.runOnContext(v -> {
      vertx.cancelTimer(timer);
      timer = -1;
      long windowNanos = System.nanoTime() - windowStart;
      long deadline = System.nanoTime() + drainSeconds * 1_000_000_000L;
      vertx.setPeriodic(20, t -> {
        if (answered >= sent || System.nanoTime() > deadline) {
          vertx.cancelTimer(t);
          p.complete(new Result(latency, sent, answered, outcomes, windowNanos));
        }
      });
    });
    return p.future();
  }

  private void fire() {
    long shouldHave = (long) ((System.nanoTime() - startedAt) / 1e9 * perSecond);
    // At most one second's worth at once, should this loop have stalled.
    long now = Math.min(shouldHave - due, (long) Math.max(1, perSecond));
    for (long i = 0; i < now; i++) {
      one();
    }
    due = shouldHave;
  }

  private void one() {
    int k = n++;
    int w = window;
    sent++;
    long t0 = System.nanoTime();
    client.request(spec.request().apply(k))
        .compose(req -> req.send(spec.body().apply(k)))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(ar -> {
          if (w != window) {
            return; // sent during the warm-up
          }
          answered++;
          String outcome = ar.succeeded() ? Integer.toString(ar.result()) : "error";
          outcomes.merge(outcome, 1L, Long::sum);
          latency.recordValue(Math.max(0, (System.nanoTime() - t0) / 1000));
        });
  }
}
