package dev.discordbridge.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * A share of the SSE streams on one event loop: one thread and one NIO selector, no framework in
 * the way, so the load generator spends as little as it can per delivery (one read per ready
 * socket into a shared buffer; nothing allocated per event). It speaks just enough HTTP/1.1: a
 * GET with the stream's headers, a status line and headers, then a body that is either chunked
 * (the bridge) or runs until the connection closes (nchan).
 *
 * <p>The SSE parser scans for line ends; only a line split across reads is carried over. A
 * {@code data:} line is searched for the benchmark marker; the blank line that ends the event
 * records the receipt. All stream state is touched on the loop thread only; the counters read by
 * other threads are volatile, and everything else is handed over through tasks.
 */
public final class SseLoop implements Runnable, AutoCloseable {

  /** How stream {@code i} is requested (the full request bytes), and when it counts as open. */
  public record StreamSpec(InetSocketAddress address, IntFunction<byte[]> request, boolean readyOnEvent) {}

  /**
   * @param got per measured event, how many streams received it
   * @param lastNanos per measured event, when the last of those streams received it
   * @param streamsShort streams that missed at least one measured event
   */
  public record Result(Histogram latencyMicros, int[] got, long[] lastNanos, int streamsAlive, int streamsShort,
                int disconnects, int resets) {}

  /** Every loop thread's name starts with this (the load generator's CPU split reads it). */
  public static final String THREAD_PREFIX = "sse-loop-";

  private static final int EVT_NONE = 0;
  private static final int EVT_READY = 1;
  private static final int EVT_RESET = 2;

  private static final int HTTP_HEAD = 0;
  private static final int CHUNK_SIZE = 1;
  private static final int CHUNK_EXT = 2;
  private static final int CHUNK_DATA = 3;
  private static final int CHUNK_CR = 4;
  private static final int RAW = 5;

  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private volatile boolean running = true;
  private final ByteBuffer readBuffer = ByteBuffer.allocate(256 * 1024);
  private final int[] next = new int[1];
  private final List<Stream> streams = new ArrayList<>();

  // Opening.
  private CompletableFuture<Void> opening;
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

  private final long batchNanos;

  /** {@link #delivered}, for callers outside the package. */
  public long deliveredSoFar() {
    return delivered;
  }

  /** {@link #measuredReceived}, for callers outside the package. */
  public long measuredReceivedSoFar() {
    return measuredReceived;
  }

  public SseLoop(String name, long batchMicros) throws IOException {
    this.batchNanos = batchMicros * 1000;
    selector = Selector.open();
    thread = new Thread(this, name);
    thread.setDaemon(true);
    thread.start();
  }

  private <T> CompletableFuture<T> onLoop(java.util.function.Supplier<T> task) {
    var f = new CompletableFuture<T>();
    tasks.add(() -> {
      try {
        f.complete(task.get());
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    });
    selector.wakeup();
    return f;
  }

  @Override
  public void run() {
    try {
      while (running) {
        long started = System.nanoTime();
        int n = selector.select(this::ready, 100);
        if (n > 0 && batchNanos > 0) {
          // Let more sockets become ready before the next wake-up: fewer wake-ups and syscalls
          // per delivery, for at most batchNanos of added delay (included in the measured latency).
          long rest = batchNanos - (System.nanoTime() - started);
          if (rest > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(rest);
          }
        }
        Runnable t;
        while ((t = tasks.poll()) != null) {
          t.run();
        }
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("SSE loop " + thread.getName() + " failed: " + e);
    } finally {
      for (SelectionKey k : selector.keys()) {
        try {
          k.channel().close();
        } catch (IOException e) {
          // Closing anyway.
        }
      }
      try {
        selector.close();
      } catch (IOException e) {
        // Closing anyway.
      }
    }
  }

  @Override
  public void close() {
    running = false;
    selector.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Opens one stream per index, at most {@code window} connecting at a time; completes when all are open. */
  public CompletableFuture<Void> open(int[] indices, StreamSpec spec, int window) {
    var p = new CompletableFuture<Void>();
    onLoop(() -> {
      this.opening = p;
      this.spec = spec;
      this.toOpen = indices;
      this.openWindow = Math.max(1, window);
      pump();
      return null;
    });
    return p;
  }

  private void pump() {
    while (inFlight < openWindow && nextToOpen < toOpen.length) {
      inFlight++;
      openOne(toOpen[nextToOpen++]);
    }
    if (settled == toOpen.length && opening != null) {
      var p = opening;
      opening = null;
      if (failures == 0) {
        p.complete(null);
      } else {
        p.completeExceptionally(new IllegalStateException(
            failures + " of " + toOpen.length + " streams did not open; first: " + firstFailure));
      }
    }
  }

  private void openOne(int index) {
    var s = new Stream();
    streams.add(s);
    s.request = ByteBuffer.wrap(spec.request().apply(index));
    try {
      SocketChannel ch = SocketChannel.open();
      s.channel = ch;
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (ch.connect(spec.address())) {
        s.key = ch.register(selector, SelectionKey.OP_WRITE, s);
      } else {
        s.key = ch.register(selector, SelectionKey.OP_CONNECT, s);
      }
    } catch (IOException e) {
      fail(s, "connect failed: " + e);
    }
  }

  private void ready(SelectionKey key) {
    Stream s = (Stream) key.attachment();
    try {
      if (key.isConnectable()) {
        if (!s.channel.finishConnect()) {
          return;
        }
        key.interestOps(SelectionKey.OP_WRITE);
      }
      if (key.isValid() && key.isWritable()) {
        s.channel.write(s.request);
        if (!s.request.hasRemaining()) {
          s.request = null;
          key.interestOps(SelectionKey.OP_READ);
        }
      } else if (key.isValid() && key.isReadable()) {
        read(s);
      }
    } catch (IOException e) {
      fail(s, "I/O error: " + e.getMessage());
    }
  }

  private void read(Stream s) throws IOException {
    ByteBuffer buf = readBuffer;
    byte[] b = buf.array();
    long now = BenchEvents.now();
    while (true) {
      buf.clear();
      int n = s.channel.read(buf);
      if (n < 0) {
        fail(s, s.settled ? "closed by the server" : "closed by the server before the stream was open");
        return;
      }
      if (n == 0) {
        return;
      }
      body(s, b, 0, n, now);
      if (s.channel == null || n < buf.capacity()) {
        return;
      }
    }
  }

  /** Decodes the HTTP framing of {@code b[off, off+n)} and feeds the SSE bytes to the parser. */
  private void body(Stream s, byte[] b, int off, int n, long now) {
    int i = off;
    int end = off + n;
    while (i < end) {
      switch (s.http) {
        case HTTP_HEAD -> {
          // Headers end with CRLF CRLF; keep them (small, once per stream) to read status and framing.
          while (i < end) {
            s.append(b, i, 1);
            i++;
            int l = s.len;
            if (l >= 4 && s.line[l - 1] == '\n' && s.line[l - 2] == '\r' && s.line[l - 3] == '\n' && s.line[l - 4] == '\r') {
              if (!head(s)) {
                return;
              }
              break;
            }
          }
        }
        case CHUNK_SIZE -> {
          byte c = b[i++];
          int d = Character.digit(c, 16);
          if (d >= 0) {
            s.chunkLeft = s.chunkLeft * 16 + d;
          } else if (c == '\n') {
            chunkStart(s);
          } else {
            s.http = CHUNK_EXT;
          }
        }
        case CHUNK_EXT -> {
          if (b[i++] == '\n') {
            chunkStart(s);
          }
        }
        case CHUNK_DATA -> {
          int take = (int) Math.min(s.chunkLeft, end - i);
          sse(s, b, i, take, now);
          i += take;
          s.chunkLeft -= take;
          if (s.chunkLeft == 0) {
            s.http = CHUNK_CR;
          }
        }
        case CHUNK_CR -> {
          if (b[i++] == '\n') {
            s.http = CHUNK_SIZE;
            s.chunkLeft = 0;
          }
        }
        default -> {
          sse(s, b, i, end - i, now);
          i = end;
        }
      }
      if (s.channel == null) {
        return;
      }
    }
  }

  private void chunkStart(Stream s) {
    if (s.chunkLeft == 0) {
      fail(s, "the server ended the stream (last chunk)");
    } else {
      s.http = CHUNK_DATA;
    }
  }

  private boolean head(Stream s) {
    String head = new String(s.line, 0, s.len, StandardCharsets.ISO_8859_1);
    s.len = 0;
    int status = -1;
    int sp = head.indexOf(' ');
    if (head.startsWith("HTTP/1.") && sp > 0 && head.length() >= sp + 4) {
      status = Integer.parseInt(head.substring(sp + 1, sp + 4));
    }
    if (status != 200) {
      fail(s, "HTTP " + status + " " + head.lines().findFirst().orElse(""));
      return false;
    }
    boolean chunked = head.toLowerCase(java.util.Locale.ROOT).contains("\ntransfer-encoding: chunked");
    s.http = chunked ? CHUNK_SIZE : RAW;
    s.alive = true;
    if (!spec.readyOnEvent()) {
      settle(s, null);
    }
    return true;
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

  private void fail(Stream s, String why) {
    if (s.channel != null) {
      try {
        s.channel.close();
      } catch (IOException e) {
        // Gone either way.
      }
      s.channel = null;
    }
    if (s.alive && s.settled) {
      disconnects++;
    }
    s.alive = false;
    settle(s, why);
  }

  // ---- SSE

  private void sse(Stream s, byte[] b, int off, int n, long now) {
    int start = off;
    int end = off + n;
    for (int i = off; i < end; i++) {
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
    if (start < end) {
      s.append(b, start, end - start);
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

  // ---- Runs

  /** Starts a measured run: events {@code from .. from+count-1} are tracked per event and per stream. */
  public CompletableFuture<Void> beginRun(long from, int count) {
    return onLoop(() -> {
      measuredFrom = from;
      measuredCount = count;
      latency = newHistogram();
      got = new int[count];
      last = new long[count];
      measuredReceived = 0;
      for (Stream s : streams) {
        s.measuredGot = 0;
      }
      return null;
    });
  }

  /** Ends the run and hands its figures over (after which late receipts are not tracked). */
  public CompletableFuture<Result> endRun() {
    return onLoop(() -> {
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
      return r;
    });
  }

  /** How many streams have received at least one event with seq {@code >= seq}. */
  public CompletableFuture<Integer> streamsReached(long seq) {
    return onLoop(() -> {
      int n = 0;
      for (Stream s : streams) {
        if (s.lastSeq >= seq) {
          n++;
        }
      }
      return n;
    });
  }

  public static Histogram newHistogram() {
    return new Histogram(60_000_000L, 3);
  }

  /** One SSE stream: its socket and its HTTP and SSE parser state. */
  private static final class Stream {
    SocketChannel channel;
    SelectionKey key;
    ByteBuffer request;
    int http = HTTP_HEAD;
    long chunkLeft;
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
        line = Arrays.copyOf(line, Math.max(len + n, line.length * 2));
      }
      System.arraycopy(b, off, line, len, n);
      len += n;
    }
  }
}
