package dev.discordbridge.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A raw HTTP/2 client over TLS (ALPN h2) that writes frames byte by byte, so a test can break the
 * protocol's etiquette the way an attacker does: more streams than SETTINGS allow, HEADERS then
 * RST_STREAM at once (rapid reset), a preface and no request, a header block never finished.
 * HPACK: literal fields without indexing and without Huffman coding only (valid HPACK, never
 * compact). Every frame the server sends is queued; SETTINGS and PING are acknowledged.
 */
public final class RawH2 implements AutoCloseable {
  public static final int DATA = 0, HEADERS = 1, RST_STREAM = 3, SETTINGS = 4, PING = 6, GOAWAY = 7, CONTINUATION = 9;
  public static final int REFUSED_STREAM = 0x7, CANCEL = 0x8, ENHANCE_YOUR_CALM = 0xb;
  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /** A frame from the server; {@code errorCode} for RST_STREAM and GOAWAY, else -1. */
  public record Frame(int type, int flags, int streamId, byte[] payload, long errorCode) {}

  private final SSLSocket socket;
  private final OutputStream out;
  private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Long> closed = new CompletableFuture<>();
  /** SETTINGS and PING are acknowledged only after the preface and outside an unfinished header block. */
  private volatile boolean acks;

  private RawH2(SSLSocket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    Thread reader = new Thread(this::read, "raw-h2-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Connects, completes TLS with ALPN h2 (fails if the server picks anything else); sends nothing yet. */
  public static RawH2 connect(int port) throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, new TrustManager[] {new X509TrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
      @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
      @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }}, new SecureRandom());
    SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(new Socket("127.0.0.1", port), "localhost", port, true);
    SSLParameters params = socket.getSSLParameters();
    params.setApplicationProtocols(new String[] {"h2"});
    socket.setSSLParameters(params);
    socket.startHandshake();
    if (!"h2".equals(socket.getApplicationProtocol())) {
      socket.close();
      throw new IllegalStateException("ALPN chose " + socket.getApplicationProtocol() + ", not h2");
    }
    return new RawH2(socket);
  }

  /** The client preface and an empty SETTINGS frame. */
  public synchronized RawH2 preface() throws IOException {
    out.write(PREFACE);
    frame(SETTINGS, 0, 0, new byte[0]);
    acks = true;
    return this;
  }

  /** A GET request's HEADERS frame on {@code streamId} (odd, increasing), END_HEADERS set unless {@code unfinished}. */
  public synchronized void get(int streamId, String path, Map<String, String> headers, boolean endStream, boolean unfinished)
      throws IOException {
    var block = new ByteArrayOutputStream();
    literal(block, ":method", "GET");
    literal(block, ":scheme", "https");
    literal(block, ":authority", "localhost");
    literal(block, ":path", path);
    headers.forEach((k, v) -> literal(block, k.toLowerCase(), v));
    int flags = (endStream ? 0x1 : 0) | (unfinished ? 0 : 0x4);
    acks &= !unfinished; // nothing but CONTINUATION may follow an unfinished header block
    frame(HEADERS, flags, streamId, block.toByteArray());
  }

  public synchronized void rstStream(int streamId, int errorCode) throws IOException {
    frame(RST_STREAM, 0, streamId, new byte[] {(byte) (errorCode >>> 24), (byte) (errorCode >>> 16), (byte) (errorCode >>> 8),
        (byte) errorCode});
  }

  public synchronized void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
    int n = payload.length;
    out.write(new byte[] {(byte) (n >>> 16), (byte) (n >>> 8), (byte) n, (byte) type, (byte) flags,
        (byte) (streamId >>> 24 & 0x7f), (byte) (streamId >>> 16), (byte) (streamId >>> 8), (byte) streamId});
    out.write(payload);
    out.flush();
  }

  /** The next frame of {@code type} (others are skipped), or null after {@code timeoutMs} or at the close. */
  public Frame next(int type, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      Frame f = left <= 0 ? null : frames.poll(left, TimeUnit.MILLISECONDS);
      if (f == null || f.type() == type) {
        return f;
      }
    }
  }

  /** Completes with when (epoch ms) the server closed the connection. */
  public CompletableFuture<Long> closed() {
    return closed;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private void read() {
    try (var in = new DataInputStream(socket.getInputStream())) {
      while (true) {
        int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = in.readNBytes(length);
        if (payload.length < length) {
          throw new EOFException();
        }
        long error = type == RST_STREAM ? readInt(payload, 0) : type == GOAWAY ? readInt(payload, 4) : -1;
        frames.add(new Frame(type, flags, stream, payload, error));
        if (!acks) {
          continue;
        }
        if (type == SETTINGS && (flags & 0x1) == 0) {
          frame(SETTINGS, 0x1, 0, new byte[0]);
        } else if (type == PING && (flags & 0x1) == 0) {
          frame(PING, 0x1, 0, payload);
        }
      }
    } catch (IOException e) {
      closed.complete(System.currentTimeMillis());
    }
  }

  private static long readInt(byte[] b, int at) {
    return (b[at] & 0xffL) << 24 | (b[at + 1] & 0xffL) << 16 | (b[at + 2] & 0xffL) << 8 | (b[at + 3] & 0xffL);
  }

  /** HPACK literal header field without indexing, new name, no Huffman (RFC 7541 6.2.2). */
  private static void literal(ByteArrayOutputStream block, String name, String value) {
    block.write(0x00);
    string(block, name.getBytes(StandardCharsets.UTF_8));
    string(block, value.getBytes(StandardCharsets.UTF_8));
  }

  private static void string(ByteArrayOutputStream block, byte[] s) {
    int n = s.length;
    if (n < 127) {
      block.write(n);
    } else {
      block.write(127);
      n -= 127;
      while (n >= 128) {
        block.write(n % 128 + 128);
        n /= 128;
      }
      block.write(n);
    }
    block.writeBytes(s);
  }
}
