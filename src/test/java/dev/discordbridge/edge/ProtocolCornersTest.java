package dev.discordbridge.edge;

import static dev.discordbridge.edge.TestEvents.GUILD;
import static dev.discordbridge.edge.TestEvents.USER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.testing.LogCapture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 25 items 6, 7 (a request without Host) and 8: chunk sizes past 32 bits, Host rules of RFC
 * 9112, Expect, HEAD on the liveness check, Vary: Origin, JWT {@code crit} and the token lifetime
 * cap, each over a raw socket against a deployed edge.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProtocolCornersTest {
  static final String ORIGIN = "https://app.example.com";
  static final long MAX_TTL_MS = 3_600_000;
  static Vertx vertx;
  static int port;
  static String token;

  @BeforeAll
  static void setUp() {
    vertx = StreamTestSupport.edgeVertx();
    port = StreamTestSupport.freePort();
    BridgeConfig config = BridgeConfig.parse(StreamTestSupport.baseConfig(port).put("ALLOWED_ORIGINS", ORIGIN)
        .put("AUTH_MAX_TOKEN_TTL_MS", MAX_TTL_MS));
    StreamTestSupport.deploy(vertx, config, 2);
    token = StreamTestSupport.token(vertx, config, USER, List.of(GUILD), 600);
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  static final String SMUGGLED = "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

  static String ingestHead(String extra) {
    return "POST /internal/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + StreamTestSupport.LINK_TOKEN
        + "\r\nContent-Type: application/json\r\n" + extra;
  }

  // ---- item 6: chunk sizes past 32 bits ----

  @Test
  void aChunkSizeOfMoreThanEightHexDigitsIs400AndTheConnectionEnds() throws IOException {
    // 0x100000007 wraps to 7 in 32 bits: the 7 bytes would be read as the whole chunk and the GET
    // behind the terminator answered as a second request (a proxy reading 4 GiB would not see it).
    try (RawHttp c = new RawHttp(port, 5_000)) {
      RawHttp.Response first = c.send(ingestHead("Transfer-Encoding: chunked\r\n\r\n")
          + "100000007\r\n{\"a\":1}\r\n0\r\n\r\n" + SMUGGLED).read();
      assertNotNull(first, "the request must be answered");
      assertEquals(400, first.status(), first.body());
      assertTrue(first.saysClose(), "a refused chunk size must say Connection: close: " + first.headers());
      assertNull(c.read(), "nothing after the 400: the hidden request is never answered");
    }
  }

  @Test
  void leadingZerosDoNotCountAsSignificantDigits() throws IOException {
    try (RawHttp c = new RawHttp(port, 5_000)) {
      RawHttp.Response first = c.send(ingestHead("Transfer-Encoding: chunked\r\n\r\n")
          + "0000000007\r\n{\"a\":1}\r\n0\r\n\r\n").read();
      assertNotNull(first);
      assertEquals(400, first.status(), first.body());
      assertTrue(first.body().contains("VALIDATION_FAILED"), "the body was read whole and judged: " + first.body());
    }
  }

  // ---- items 7 and 8: Host ----

  @Test
  void aRequestWithoutHostIs400WithoutAnErrorLine() throws IOException {
    try (LogCapture logs = new LogCapture()) {
      for (int i = 0; i < 50; i++) {
        try (RawHttp c = new RawHttp(port, 5_000)) {
          RawHttp.Response r = c.send("GET /health/live HTTP/1.1\r\n\r\n").read();
          assertNotNull(r, "request " + i + " must be answered");
          assertEquals(400, r.status(), r.body());
        }
      }
      assertEquals(0, logs.atLeast(Level.ERROR), "no ERROR line for a client's bad request:\n" + logs.dump());
      assertTrue(logs.ofLogger(".ConnectionGuard") + logs.ofLogger(".EdgeVerticle") <= 3,
          "at most a few summary lines for 50 refusals:\n" + logs.dump());
    }
  }

  @Test
  void aBadHostValueOrABadEscapeInThePathIs400WithoutAnErrorLine() throws IOException {
    try (LogCapture logs = new LogCapture()) {
      for (String head : List.of("GET /health/live HTTP/1.1\r\nHost: [::1\r\n", "GET /health/live HTTP/1.1\r\nHost: a b\r\n",
          "GET /health/live HTTP/1.1\r\nHost: x:99999999\r\n", "GET /%zz HTTP/1.1\r\nHost: x\r\n",
          "GET /api/guilds/%1/voice HTTP/1.1\r\nHost: x\r\n")) {
        try (RawHttp c = new RawHttp(port, 5_000)) {
          RawHttp.Response r = c.send(head + "\r\n").read();
          assertNotNull(r, head);
          assertEquals(400, r.status(), head + r.body());
        }
      }
      assertEquals(0, logs.atLeast(Level.ERROR), "no ERROR line for a client's bad request:\n" + logs.dump());
    }
  }

  @Test
  void twoHostHeadersAre400AndClose() throws IOException {
    try (RawHttp c = new RawHttp(port, 5_000)) {
      RawHttp.Response r = c.send("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n" + SMUGGLED).read();
      assertNotNull(r);
      assertEquals(400, r.status(), r.body());
      assertTrue(r.saysClose());
      assertNull(c.read(), "nothing is answered after it");
    }
  }

  @Test
  void http10WithoutHostIsStillServed() throws IOException {
    try (LogCapture logs = new LogCapture(); RawHttp c = new RawHttp(port, 5_000)) {
      RawHttp.Response r = c.send("GET /health/live HTTP/1.0\r\n\r\n").read();
      assertNotNull(r);
      assertEquals(200, r.status());
      assertEquals(0, logs.atLeast(Level.ERROR), logs.dump());
    }
  }

  // ---- item 8: Expect ----

  @Test
  void expect100ContinueGetsA100WhereTheBodyWillBeRead() throws IOException {
    String body = "{\"v\":1}";
    try (RawHttp c = new RawHttp(port, 5_000)) {
      RawHttp.Response interim = c.send(ingestHead("Expect: 100-continue\r\nContent-Length: " + body.length() + "\r\n\r\n")).read();
      assertNotNull(interim, "the client waits for a 100 before it sends the body");
      assertEquals(100, interim.status());
      RawHttp.Response last = c.send(body).read();
      assertEquals(400, last.status(), "then the body is read and judged: " + last.body());
      assertTrue(last.body().contains("VALIDATION_FAILED"), last.body());
    }
  }

  @Test
  void expect100ContinueWithoutCredentialsGetsTheFinalAnswerOnly() throws IOException {
    try (RawHttp c = new RawHttp(port, 5_000)) {
      RawHttp.Response r = c.send("POST /api/commands/sendMessage HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Expect: 100-continue\r\nContent-Length: 20\r\n\r\n").read();
      assertNotNull(r);
      assertEquals(401, r.status(), "no 100 where the body will not be read");
    }
  }

  @Test
  void anUnknownExpectationIs417() throws IOException {
    try (RawHttp c = new RawHttp(port, 5_000)) {
      RawHttp.Response r = c.send(ingestHead("Expect: something-else\r\nContent-Length: 2\r\n\r\n{}")).read();
      assertNotNull(r);
      assertEquals(417, r.status(), r.body());
      assertNotNull(r.headers().get("x-trace-id"));
    }
  }

  // ---- item 8: HEAD, Vary ----

  @Test
  void headOfTheLivenessCheckAnswersLikeGetWithoutABody() throws IOException {
    try (RawHttp c = new RawHttp(port, 5_000)) {
      c.send("HEAD /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      String all = readAll(c.socket.getInputStream());
      assertTrue(all.startsWith("HTTP/1.1 200"), all);
      assertTrue(all.endsWith("\r\n\r\n"), "no body after the head: " + all);
    }
  }

  @Test
  void corsAnswersCarryVaryOrigin() throws IOException {
    for (String origin : List.of(ORIGIN, "https://other.example")) {
      try (RawHttp c = new RawHttp(port, 5_000)) {
        RawHttp.Response r = c.send("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: " + origin + "\r\n\r\n").read();
        assertNotNull(r);
        assertEquals(200, r.status());
        String vary = r.headers().getOrDefault("vary", "");
        assertTrue(vary.toLowerCase().contains("origin"), "Vary must name Origin for " + origin + ": " + r.headers());
      }
    }
  }

  // ---- item 8: tokens ----

  @Test
  void aTokenWithAnUnknownCritHeaderIsRefused() throws IOException {
    long now = System.currentTimeMillis() / 1000;
    JsonObject claims = claims(now, now + 600);
    assertEquals(200, me(hs256(new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims)), "the control token is accepted");
    assertEquals(401, me(hs256(new JsonObject().put("alg", "HS256").put("typ", "JWT")
        .put("crit", new JsonArray().add("exp-ext")).put("exp-ext", true), claims)));
  }

  @Test
  void aTokenLivingLongerThanTheCapIsRefused() throws IOException {
    long now = System.currentTimeMillis() / 1000;
    JsonObject header = new JsonObject().put("alg", "HS256").put("typ", "JWT");
    assertEquals(200, me(hs256(header, claims(now, now + 1800))), "30 min under a 1 h cap");
    assertEquals(401, me(hs256(header, claims(now, now + 2 * 3600))), "exp 2 h away under a 1 h cap");
    assertEquals(401, me(hs256(header, claims(now, 95_617_584_000L))), "valid until the year 5000");
    assertEquals(401, me(hs256(header, claims(now - 2 * 3600, now + 1800).put("iat", now - 2 * 3600))),
        "issued for 2.5 h (exp - iat) under a 1 h cap");
  }

  private static JsonObject claims(long iat, long exp) {
    return new JsonObject().put("sub", USER).put("guilds", new JsonArray().add(GUILD)).put("iat", iat).put("exp", exp);
  }

  private static int me(String jwt) throws IOException {
    try (RawHttp c = new RawHttp(port, 5_000)) {
      RawHttp.Response r = c.send("GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + jwt + "\r\n\r\n").read();
      return r == null ? -1 : r.status();
    }
  }

  static String hs256(JsonObject header, JsonObject claims) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String signingInput = b64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(StreamTestSupport.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signingInput + "." + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.ISO_8859_1);
  }
}
