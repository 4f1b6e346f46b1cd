package dev.discordbridge.edge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A blocking HTTP/1.1 client over a raw socket for the edge's connection-level tests: it writes
 * exactly the bytes it is given (hostile ones included) and reads answers one by one, so a test
 * sees what a keep-alive client sees (the answer, a clean end of stream, or a reset).
 */
public final class RawHttp implements AutoCloseable {
  public record Response(int status, Map<String, String> headers, String body) {
    boolean saysClose() {
      return "close".equalsIgnoreCase(headers.getOrDefault("connection", ""));
    }
  }

  /** What a read found instead of an answer. */
  public enum End { EOF, RESET, TIMEOUT }

  public final Socket socket;
  private final InputStream in;

  public RawHttp(int port, int readTimeoutMs) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setSoTimeout(readTimeoutMs);
    in = socket.getInputStream();
  }

  public RawHttp send(String raw) throws IOException {
    return send(raw.getBytes(StandardCharsets.ISO_8859_1));
  }

  public RawHttp send(byte[] raw) throws IOException {
    socket.getOutputStream().write(raw);
    socket.getOutputStream().flush();
    return this;
  }

  /** The next answer (a Content-Length or chunked body), or null at a clean end of stream. */
  public Response read() throws IOException {
    String status = line();
    if (status == null) {
      return null;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String h = line(); h != null && !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      headers.put(h.substring(0, colon).trim().toLowerCase(), h.substring(colon + 1).trim());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (headers.containsKey("content-length")) {
      body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
        body.write(in.readNBytes(size));
        line();
      }
      line();
    }
    return new Response(Integer.parseInt(status.split(" ")[1]), headers, body.toString(StandardCharsets.UTF_8));
  }

  /** Reads (and drops) until the server ends the connection or the read timeout passes. */
  public End awaitEnd() {
    try {
      byte[] b = new byte[4096];
      while (in.read(b) >= 0) {
        // drop
      }
      return End.EOF;
    } catch (SocketTimeoutException e) {
      return End.TIMEOUT;
    } catch (SocketException e) {
      return End.RESET;
    } catch (IOException e) {
      return End.RESET;
    }
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int n = sb.length();
        return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
      }
      sb.append((char) c);
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  /** One GET /health/live on a fresh connection: the status, or -1 when it was not answered. */
  public static int live(int port) {
    try (RawHttp c = new RawHttp(port, 5_000)) {
      Response r = c.send("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").read();
      return r == null ? -1 : r.status();
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
