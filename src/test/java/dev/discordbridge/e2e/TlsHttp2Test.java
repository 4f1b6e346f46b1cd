package dev.discordbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.testing.RawH2;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TLS_CERT_FILE/TLS_KEY_FILE (issue 22): HTTPS with ALPN on the public port; SSE streams multiplex
 * over one HTTP/2 connection; HTTP/1.1 over TLS still works; and the edge's guards hold under
 * HTTP/2, checked with a raw frame writer: streams per connection (HTTP2_MAX_STREAMS), rapid reset,
 * connections that never open a stream or never finish a header block, a TLS handshake never begun.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsHttp2Test {
  static final int MAX_STREAMS = 8;
  static final long HEADER_TIMEOUT = 1_500;
  static final long IDLE_TIMEOUT = 5_000;
  /** Timer and scheduling slack on a loaded 2-core machine. */
  static final long SLACK = 3_000;
  static final String GUILD = "1181471853712130048";
  static final String GENERAL = "1181471853712130052";
  static final String USER = "1098764523409876481";
  static Node node;
  static Vertx client;
  static String token;

  @BeforeAll
  static void start() {
    node = E2e.start(new JsonObject().put("TLS_CERT_FILE", "src/test/resources/tls/cert.pem")
        .put("TLS_KEY_FILE", "src/test/resources/tls/key.pem").put("HTTP2_MAX_STREAMS", String.valueOf(MAX_STREAMS))
        .put("HTTP_HEADER_TIMEOUT_MS", String.valueOf(HEADER_TIMEOUT)).put("ADMIN_PORT", "0")
        .put("HTTP_IDLE_TIMEOUT_MS", String.valueOf(IDLE_TIMEOUT)).put("SSE_HEARTBEAT_MS", "2000"));
    client = Vertx.vertx();
    token = E2e.token(node, USER, List.of(GUILD));
  }

  @AfterAll
  static void stop() {
    client.close().await();
    node.stop().await();
  }

  static HttpClient client(HttpVersion version) {
    return client.createHttpClient(new HttpClientOptions().setSsl(true).setUseAlpn(true).setTrustAll(true)
        .setVerifyHost(false).setProtocolVersion(version).setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()));
  }

  @Test
  void sseStreamsMultiplexOverOneHttp2Connection() throws Exception {
    E2e.await(15_000, "ready", () -> E2e.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + node.adminPort() + "/health/ready")).GET()).status() == 200);
    HttpClient h2 = client(HttpVersion.HTTP_2);
    List<StringBuffer> bodies = new ArrayList<>();
    List<HttpConnection> connections = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 3; i++) {
      StringBuffer body = new StringBuffer();
      bodies.add(body);
      // The body handler is set on the event loop, as the response arrives: data before it would be lost.
      HttpClientResponse r = h2.request(new RequestOptions().setURI("/api/stream").addHeader("Authorization", "Bearer " + token))
          .compose(req -> req.send()).onSuccess(res -> res.handler(b -> body.append(b.toString())))
          .await(10, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode());
      assertEquals(HttpVersion.HTTP_2, r.version(), "ALPN chose h2");
      assertTrue(r.getHeader("content-type").startsWith("text/event-stream"));
      connections.add(r.request().connection());
    }
    assertSame(connections.get(0), connections.get(1));
    assertSame(connections.get(0), connections.get(2));
    for (StringBuffer body : bodies) {
      E2e.await(10_000, "the ready event on every stream", () -> body.toString().contains("event: ready"));
    }
    // A command on the same connection comes back to every stream.
    String content = "over h2 " + System.nanoTime();
    HttpClientResponse sent = h2.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/commands/sendMessage")
            .addHeader("Authorization", "Bearer " + token).addHeader("Content-Type", "application/json"))
        .compose(req -> req.send(Buffer.buffer(new JsonObject().put("guildId", GUILD).put("channelId", GENERAL)
            .put("content", content).encode()))).await(10, TimeUnit.SECONDS);
    assertTrue(sent.statusCode() == 200 || sent.statusCode() == 202, "command status " + sent.statusCode());
    assertSame(connections.get(0), sent.request().connection());
    for (StringBuffer body : bodies) {
      E2e.await(10_000, "the message on every stream", () -> body.toString().contains(content));
    }
    h2.close().await();
  }

  @Test
  void http11OverTlsStillAnswers() throws Exception {
    HttpClient h1 = client(HttpVersion.HTTP_1_1);
    HttpClientResponse r = h1.request(new RequestOptions().setURI("/api/me").addHeader("Authorization", "Bearer " + token))
        .compose(req -> req.send()).await(10, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode());
    assertEquals(HttpVersion.HTTP_1_1, r.version());
    h1.close().await();
  }

  @Test
  void streamsBeyondTheCapAreRefusedAndTheOthersGoOn() throws Exception {
    try (RawH2 raw = RawH2.connect(node.httpPort()).preface()) {
      Map<String, String> auth = Map.of("authorization", "Bearer " + token);
      for (int i = 0; i < MAX_STREAMS; i++) {
        raw.get(1 + 2 * i, "/api/stream", auth, true, false);
      }
      for (int i = 0; i < MAX_STREAMS; i++) {
        assertNotNull(raw.next(RawH2.HEADERS, 10_000), "response headers of stream " + (1 + 2 * i));
      }
      int extra = 1 + 2 * MAX_STREAMS;
      raw.get(extra, "/api/stream", auth, true, false);
      RawH2.Frame refused = raw.next(RawH2.RST_STREAM, 10_000);
      assertNotNull(refused, "a stream beyond SETTINGS_MAX_CONCURRENT_STREAMS is reset");
      assertEquals(extra, refused.streamId());
      assertEquals(RawH2.REFUSED_STREAM, refused.errorCode());
      assertNull(raw.next(RawH2.GOAWAY, 500), "the connection itself stays");
      assertTrue(!raw.closed().isDone(), "the connection itself stays open");
    }
  }

  @Test
  void rapidResetClosesTheConnection() throws Exception {
    try (RawH2 raw = RawH2.connect(node.httpPort()).preface()) {
      Map<String, String> auth = Map.of("authorization", "Bearer " + token);
      int stream = 1;
      for (int i = 0; i < 400 && !raw.closed().isDone(); i++, stream += 2) {
        raw.get(stream, "/api/stream", auth, true, false);
        raw.rstStream(stream, RawH2.CANCEL);
      }
      RawH2.Frame away = raw.next(RawH2.GOAWAY, 10_000);
      assertNotNull(away, "GOAWAY after a flood of resets");
      assertEquals(RawH2.ENHANCE_YOUR_CALM, away.errorCode());
      raw.closed().get(10, TimeUnit.SECONDS);
    } catch (java.net.SocketException e) {
      // the server closed while we were still writing: the flood was cut, which is what is asserted
    }
    assertEquals(200, E2e.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + node.adminPort() + "/health/live")).GET()).status());
  }

  @Test
  void aConnectionThatOpensNoStreamIsClosedAfterTheHeaderTimeout() throws Exception {
    try (RawH2 raw = RawH2.connect(node.httpPort()).preface()) {
      long opened = System.currentTimeMillis();
      assertClosedByTheHeaderTimeout(raw, opened);
    }
  }

  @Test
  void aHeaderBlockNeverFinishedIsClosedAfterTheHeaderTimeout() throws Exception {
    try (RawH2 raw = RawH2.connect(node.httpPort()).preface()) {
      long opened = System.currentTimeMillis();
      raw.get(1, "/api/stream", Map.of("authorization", "Bearer " + token), true, true);
      assertClosedByTheHeaderTimeout(raw, opened);
    }
  }

  /**
   * Vert.x sets an HTTP/2 connection up (and calls the connection guard) only once the client's
   * preface arrives: a socket silent after the TLS handshake is closed by the idle timeout instead.
   */
  @Test
  void aConnectionSilentAfterTheTlsHandshakeIsClosedByTheIdleTimeout() throws Exception {
    try (RawH2 raw = RawH2.connect(node.httpPort())) {
      long opened = System.currentTimeMillis();
      long after = raw.closed().get(IDLE_TIMEOUT + SLACK + 5_000, TimeUnit.MILLISECONDS) - opened;
      assertTrue(after >= IDLE_TIMEOUT - 100 && after <= IDLE_TIMEOUT + SLACK, "closed after " + after + " ms");
    }
  }

  /** Closed by the timer, not at once for a protocol error: between the timeout and the timeout plus slack. */
  private static void assertClosedByTheHeaderTimeout(RawH2 raw, long opened) throws Exception {
    long closedAt = raw.closed().get(HEADER_TIMEOUT + SLACK + 5_000, TimeUnit.MILLISECONDS);
    long after = closedAt - opened;
    System.out.printf("h2 connection without a stream closed after %d ms (HTTP_HEADER_TIMEOUT_MS=%d)%n", after, HEADER_TIMEOUT);
    assertTrue(after >= HEADER_TIMEOUT - 100 && after <= HEADER_TIMEOUT + SLACK, "closed after " + after + " ms");
    RawH2.Frame away = raw.next(RawH2.GOAWAY, 0);
    assertTrue(away == null || away.errorCode() == 0, "no protocol error: " + (away == null ? "" : away.errorCode()));
  }

  @Test
  void aTlsHandshakeNeverBegunIsClosedAfterTheHeaderTimeout() throws Exception {
    try (Socket silent = new Socket("127.0.0.1", node.httpPort())) {
      long opened = System.currentTimeMillis();
      silent.setSoTimeout((int) (HEADER_TIMEOUT + SLACK + 5_000));
      InputStream in = silent.getInputStream();
      int read = in.read();
      long after = System.currentTimeMillis() - opened;
      assertEquals(-1, read, "end of stream");
      assertTrue(after <= HEADER_TIMEOUT + SLACK, "closed after " + after + " ms");
    }
  }
}
