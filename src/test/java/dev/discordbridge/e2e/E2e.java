package dev.discordbridge.e2e;

import dev.discordbridge.sim.TestHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.discordbridge.app.Node;
import dev.discordbridge.auth.Authenticator;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end support: a whole node started in process (edge, dispatcher, limiter, gateway, the
 * embedded simulated hub), spoken to over real HTTP on loopback with the JDK client.
 */
final class E2e {
  private E2e() {}

  static final String SECRET = "e2e-secret-0123456789abcdef-0123456789";
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final AtomicInteger NODES = new AtomicInteger();

  /** A demo node on 127.0.0.1, no generated traffic, quick link reconnects; {@code overrides} win. */
  static Node start(JsonObject overrides) {
    JsonObject settings = new JsonObject().put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", "0")
        .put("SIM_EVENTS_PER_SEC", "0").put("AUTH_JWT_SECRET", SECRET)
        .put("LINK_BACKOFF_BASE_MS", "50").put("LINK_BACKOFF_MAX_MS", "500")
        .put("VERTICLES_SSE_ROUTER_INSTANCES", "2")
        .put("NODE_ID", "e2e-" + NODES.incrementAndGet())
        .mergeIn(overrides);
    return Node.start(Map.of(), settings, TestHub::new).await();
  }

  static String base(Node node) {
    return "http://127.0.0.1:" + node.httpPort();
  }

  static String token(Node node, String userId, List<String> guilds) {
    return token(node, userId, guilds, 3_600);
  }

  static String token(Node node, String userId, List<String> guilds, long ttlSeconds) {
    return new Authenticator(node.vertx(), node.config().auth()).mint(userId, guilds, ttlSeconds);
  }

  record Response(int status, HttpHeaders headers, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    JsonObject error() {
      return json().getJsonObject("error");
    }
  }

  static Response get(Node node, String path, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(base(node) + path)).GET(), headers);
  }

  /** POST with a JSON body; {@code headers} are name/value pairs. */
  static Response post(Node node, String path, String body, String... headers) {
    var b = HttpRequest.newBuilder(URI.create(base(node) + path)).POST(HttpRequest.BodyPublishers.ofString(body));
    boolean typed = false;
    for (int i = 0; i < headers.length; i += 2) {
      typed |= headers[i].equalsIgnoreCase("Content-Type");
    }
    if (!typed) {
      b.header("Content-Type", "application/json");
    }
    return send(b, headers);
  }

  static Response command(Node node, String name, String token, JsonObject body, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "Authorization";
    all[1] = "Bearer " + token;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return post(node, "/api/commands/" + name, body.encode(), all);
  }

  static Response send(HttpRequest.Builder b, String... headers) {
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> r = HTTP.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls {@code condition} every 20 ms until it holds; fails after {@code timeoutMs}. */
  static void await(long timeoutMs, String what, BooleanSupplier condition) {
    dev.discordbridge.testing.Poll.until(timeoutMs, what, condition);
  }

  /** Waits until {@code /health/ready} answers {@code status} (200: the link is up; 503: down). */
  static void awaitReady(Node node, int status) {
    await(15_000, "/health/ready to answer " + status, () -> get(node, "/health/ready").status() == status);
  }

  /** Holds the link down: the hub refuses upgrades and drops the open link; waits until the node is not ready. */
  static void linkDown(Node node) {
    ((TestHub) node.simulatedHub()).refuseConnections(true);
    ((TestHub) node.simulatedHub()).dropLink().await();
    awaitReady(node, 503);
  }

  static void linkUp(Node node) {
    ((TestHub) node.simulatedHub()).refuseConnections(false);
    awaitReady(node, 200);
  }

  /** The sum of every sample of {@code metric} on {@code /metrics} whose labels contain all of {@code labels}. */
  static double metric(Node node, String metric, String... labels) {
    Response r = get(node, "/metrics");
    assertEquals(200, r.status());
    double sum = 0;
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*})? ([0-9.eE+-]+|NaN)$").matcher(r.body());
    while (m.find()) {
      String set = m.group(1) == null ? "" : m.group(1);
      boolean all = true;
      for (String l : labels) {
        all &= set.contains(l);
      }
      if (all && !"NaN".equals(m.group(2))) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }

  /** Every command id the hub received (retries included). */
  static List<String> commandIdsAtHub(Node node) {
    return ((TestHub) node.simulatedHub()).received().stream().filter(f -> "command".equals(f.getString("type")))
        .map(f -> f.getJsonObject("command").getString("id")).toList();
  }

  static <T> T nonNull(T o, String what) {
    assertNotNull(o, what);
    return o;
  }
}
