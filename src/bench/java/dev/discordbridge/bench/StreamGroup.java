package dev.discordbridge.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * A share of the SSE streams, all on one event loop (one group per loop). Parses the event
 * stream incrementally: chunk bytes are copied once into a scratch array and scanned for line
 * ends; only a line split across chunks is carried over. A {@code data:} line is searched for the
 * benchmark marker; the blank line that ends the event records the receipt.
 *
 * <p>All state is touched on the group's event loop only; the counters read by the publisher
 * thread are volatile, and everything else is handed over through {@link #endRun()}.
 */
final class StreamGroup extends VerticleBase {

  /** How one stream is requested, and when it counts as open. */
  record StreamSpec(IntFunction<RequestOptions> request, boolean readyOnEvent) {}

  /**
   * @param got per measured event, how many streams received it
   * @param lastNanos per measured event, when the last of those streams received it
   * @param streamsShort streams that missed at least one measured event
   */
  record Result(Histogram latencyMicros, int[] got, long[] lastNanos, int streamsAlive, int streamsShort,
                int disconnects, int resets) {}

  private static final int EVT_NONE = 0;
  private static final int EVT_READY = 1;
  private static final int EVT_RESET = 2;

  private final int poolSize;
  private HttpClientAgent client;
  private final List<Stream> streams = new ArrayList<>();
  private byte[] scratch = new byte[64 * 1024];
  private final int[] next = new int[1];

  // Opening.
  private Promise<Void> opening;
  private StreamSpec spec;
  private int[] toOpen;
  private int nextToOpen;
  private int inFlight;
  private int settled;
  private int openWindow;
  private String firstFailure;
  private int failures;

  // Measurement of one run.
  private long measuredFrom = Long.MAX_VALUE;
  private int measuredCount;
  private Histogram latency = newHistogram();
  private int[] got = new int[0];
  private long[] last = new long[0];
  private int disconnects;
  private int resets;

  /** Every benchmark event received (warm-up and probes included); read by the publisher thread. */
  volatile long delivered;
  /** Receipts of measured events; read by the main thread to end the drain early. */
  volatile long measuredReceived;

  StreamGroup(int poolSize) {
    this.poolSize = poolSize;
  }

  @Override
  public Future<?> start() {
    client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(0).setConnectTimeout(15_000)
            .setMaxInitialLineLength(8192))
        .with(new PoolOptions().setHttp1MaxSize(poolSize).setMaxWaitQueueSize(-1))
        .build();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return client.close();
  }

  /** Opens one stream per index, at most {@code window} at a time; completes when all are open. */
  Future<Void> open(int[] indices, StreamSpec spec, int window) {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> {
      this.opening = p;
      this.spec = spec;
      this.toOpen = indices;
      this.openWindow = Math.max(1, window);
      pump();
    });
    return p.future();
  }

  private void pump() {
    while (inFlight < openWindow && nextToOpen < toOpen.length) {
      inFlight++;
      openOne(toOpen[nextToOpen++]);
    }
    if (settled == toOpen.length && opening != null) {
      Promise<Void> p = opening;
      opening = null;
      if (failures == 0) {
        p.complete();
      } else {
        p.fail(failures + " of " + toOpen.length + " streams did not open; first: " + firstFailure);
      }
    }
  }

  private void openOne(int index) {
    var s = new Stream();
    streams.add(s);
    client.request(spec.request().apply(index))
        .compose(req -> req.send())
        .onComplete(ar -> {
          if (ar.failed()) {
            settle(s, "connect/request failed: " + ar.cause());
            return;
          }
          HttpClientResponse resp = ar.result();
          if (resp.statusCode() != 200) {
            resp.body().onComplete(b -> settle(s, "HTTP " + resp.statusCode() + " "
                + (b.succeeded() ? abbreviate(b.result().toString()) : "")));
            return;
          }
          s.alive = true;
          resp.handler(buf -> onChunk(s, buf));
          resp.exceptionHandler(e -> closed(s, "stream error: " + e));
          resp.endHandler(v -> closed(s, "stream ended by the server"));
          if (!spec.readyOnEvent()) {
            settle(s, null);
          }
        });
  }

  private void settle(Stream s, String failure) {
    if (s.settled) {
      return;
    }
    s.settled = true;
    inFlight--;
    settled++;
    if (failure != null) {
      failures++;
      if (firstFailure == null) {
        firstFailure = failure;
      }
    }
    pump();
  }

  private void closed(Stream s, String why) {
    if (!s.alive) {
      return;
    }
    s.alive = false;
    if (s.settled) {
      disconnects++;
    } else {
      settle(s, why + " before the ready event");
    }
  }

  /** Starts a measured run: events {@code from .. from+count-1} are tracked per event and per stream. */
  Future<Void> beginRun(long from, int count) {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> {
      measuredFrom = from;
      measuredCount = count;
      latency = newHistogram();
      got = new int[count];
      last = new long[count];
      measuredReceived = 0;
      for (Stream s : streams) {
        s.measuredGot = 0;
      }
      p.complete();
    });
    return p.future();
  }

  /** Ends the run and hands its figures over (after which late receipts are not tracked). */
  Future<Result> endRun() {
    Promise<Result> p = Promise.promise();
    context.runOnContext(v -> {
      int alive = 0;
      int shortOf = 0;
      for (Stream s : streams) {
        if (s.alive) {
          alive++;
        }
        if (s.measuredGot < measuredCount) {
          shortOf++;
        }
      }
      var r = new Result(latency, got, last, alive, shortOf, disconnects, resets);
      measuredFrom = Long.MAX_VALUE;
      measuredCount = 0;
      latency = newHistogram();
      got = new int[0];
      last = new long[0];
      p.complete(r);
    });
    return p.future();
  }

  /** How many streams have received at least one event with seq {@code >= seq}. */
  Future<Integer> streamsReached(long seq) {
    Promise<Integer> p = Promise.promise();
    context.runOnContext(v -> {
      int n = 0;
      for (Stream s : streams) {
        if (s.lastSeq >= seq) {
          n++;
        }
      }
      p.complete(n);
    });
    return p.future();
  }

  private void onChunk(Stream s, Buffer buf) {
    long now = BenchEvents.now();
    int n = buf.length();
    if (scratch.length < n) {
      scratch = new byte[Math.max(n, scratch.length * 2)];
    }
    byte[] b = scratch;
    buf.getBytes(0, n, b, 0);
    int start = 0;
    for (int i = 0; i < n; i++) {
      if (b[i] == '\n') {
        if (s.len > 0) {
          s.append(b, start, i - start);
          line(s, s.line, 0, s.len, now);
          s.len = 0;
        } else {
          line(s, b, start, i - start, now);
        }
        start = i + 1;
      }
    }
    if (start < n) {
      s.append(b, start, n - start);
    }
  }

  private void line(Stream s, byte[] b, int off, int len, long now) {
    if (len > 0 && b[off + len - 1] == '\r') {
      len--;
    }
    if (len == 0) {
      dispatch(s, now);
    } else if (startsWith(b, off, len, "data:")) {
      int m = BenchEvents.findMarker(b, off, len);
      if (m >= 0) {
        long seq = BenchEvents.parseNumber(b, m, off + len, next);
        long sent = seq < 0 ? -1 : BenchEvents.parseNumber(b, next[0], off + len, next);
        if (sent >= 0) {
          s.pendingSeq = seq;
          s.pendingSent = sent;
        }
      }
    } else if (startsWith(b, off, len, "event:")) {
      int p = off + 6;
      if (p < off + len && b[p] == ' ') {
        p++;
      }
      int rest = off + len - p;
      if (rest == 5 && startsWith(b, p, rest, "ready")) {
        s.pendingEvent = EVT_READY;
      } else if (rest == 5 && startsWith(b, p, rest, "reset")) {
        s.pendingEvent = EVT_RESET;
      }
    }
  }

  private void dispatch(Stream s, long now) {
    if (s.pendingEvent == EVT_READY && !s.settled) {
      settle(s, null);
    } else if (s.pendingEvent == EVT_RESET) {
      resets++;
    }
    s.pendingEvent = EVT_NONE;
    long seq = s.pendingSeq;
    if (seq < 0) {
      return;
    }
    s.pendingSeq = -1;
    delivered++;
    if (seq > s.lastSeq) {
      s.lastSeq = seq;
    }
    long idx = seq - measuredFrom;
    if (idx >= 0 && idx < measuredCount) {
      int i = (int) idx;
      latency.recordValue(Math.max(0, (now - s.pendingSent) / 1000));
      got[i]++;
      if (now > last[i]) {
        last[i] = now;
      }
      s.measuredGot++;
      measuredReceived++;
    }
  }

  private static boolean startsWith(byte[] b, int off, int len, String prefix) {
    if (len < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (b[off + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static Histogram newHistogram() {
    return new Histogram(60_000_000L, 3);
  }

  private static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ");
    return one.length() > 200 ? one.substring(0, 200) + "…" : one;
  }

  /** One SSE stream's parser state. */
  private static final class Stream {
    byte[] line = new byte[256];
    int len;
    int pendingEvent;
    long pendingSeq = -1;
    long pendingSent;
    long lastSeq = -1;
    int measuredGot;
    boolean alive;
    boolean settled;

    void append(byte[] b, int off, int n) {
      if (len + n > line.length) {
        line = java.util.Arrays.copyOf(line, Math.max(len + n, line.length * 2));
      }
      System.arraycopy(b, off, line, len, n);
      len += n;
    }
  }
}
