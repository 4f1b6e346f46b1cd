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
 * Issues command POSTs at a fixed rate (each from one of a few users, so that no user bucket runs
 * dry) from the start of a rate's warm-up, as the events are, and records the latency, request to
 * response, of those sent during the measured window.
 */
final class CommandProbe extends VerticleBase {

  record Result(Histogram latencyMicros, int sent, Map<String, Integer> outcomes) {}

  private final Target.CommandSpec spec;
  private final double perSecond;
  private HttpClientAgent client;
  private long timer = -1;
  private int n;
  private int sent;
  /** Which window a command belongs to: only those of the current one are counted. */
  private int window;
  private Histogram latency = SseLoop.newHistogram();
  private Map<String, Integer> outcomes = new TreeMap<>();

  CommandProbe(Target.CommandSpec spec, double perSecond) {
    this.spec = spec;
    this.perSecond = perSecond;
  }

  @Override
  public Future<?> start() {
    client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(0))
        .with(new PoolOptions().setHttp1MaxSize(8))
        .build();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return client.close();
  }

  /** Starts issuing commands (the warm-up: not counted); callable from any thread. */
  void warm() {
    context.runOnContext(v -> {
      window++;
      if (timer < 0) {
        long interval = Math.max(1, Math.round(1000 / perSecond));
        timer = vertx.setPeriodic(interval, t -> fire());
      }
    });
  }

  /** Counts from now on (issuing if not yet); callable from any thread. */
  void begin() {
    warm();
    context.runOnContext(v -> {
      latency = SseLoop.newHistogram();
      outcomes = new TreeMap<>();
      sent = 0;
    });
  }

  /** Stops issuing and hands over the figures once the requests already sent have answered (at most 5 s). */
  Future<Result> end() {
    Promise<Result> p = Promise.promise();
    context.runOnContext(v -> {
      vertx.cancelTimer(timer);
      timer = -1;
      long deadline = System.nanoTime() + 5_000_000_000L;
      vertx.setPeriodic(20, t -> {
        int answered = outcomes.values().stream().mapToInt(Integer::intValue).sum();
        if (answered >= sent || System.nanoTime() > deadline) {
          vertx.cancelTimer(t);
          p.complete(new Result(latency, sent, outcomes));
        }
      });
    });
    return p.future();
  }

  private void fire() {
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
          String outcome = ar.succeeded() ? Integer.toString(ar.result()) : "error";
          outcomes.merge(outcome, 1, Integer::sum);
          if (ar.succeeded() && ar.result() / 100 == 2) {
            latency.recordValue(Math.max(0, (System.nanoTime() - t0) / 1000));
          }
        });
  }
}
