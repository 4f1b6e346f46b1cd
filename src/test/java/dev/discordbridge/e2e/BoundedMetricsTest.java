package dev.discordbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.app.Node;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fault (issue 9, item 7): every new HTTP method name, path or command name a stranger sends must
 * not add Prometheus series. Hostile requests over real HTTP; the series on {@code /metrics} are
 * compared before and after.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BoundedMetricsTest {
  static final int HOSTILE_REQUESTS = 500;
  /** Series a hostile burst may add once: the folded method (11) and a few JVM ones (a first GC of some kind). */
  static final int MAX_NEW_SERIES = 30;
  static Node node;

  @BeforeAll
  static void start() {
    node = E2e.start(new JsonObject());
  }

  @AfterAll
  static void stop() {
    node.stop().await();
  }

  @Test
  void hostileMethodsPathsAndCommandNamesAddAtMostAFewSeries() {
    // Warm up with ordinary requests, so that the series of normal traffic exist before the count.
    for (int i = 0; i < 3; i++) {
      E2e.get(node, "/");
      E2e.get(node, "/nope");
      E2e.get(node, "/api/me");
      E2e.post(node, "/api/commands/sendMessage", "{}");
    }
    Set<String> before = series();
    int bytesBefore = E2e.get(node, "/metrics").body().length();

    Random random = new Random(7);
    for (int i = 0; i < HOSTILE_REQUESTS; i++) {
      String method = "M" + Integer.toString(random.nextInt(1 << 30), 36).toUpperCase();
      String path = "/x" + Integer.toString(random.nextInt(1 << 30), 36);
      switch (i % 3) {
        case 0 -> E2e.send(HttpRequest.newBuilder(URI.create(E2e.base(node) + path))
            .method(method, HttpRequest.BodyPublishers.noBody()));
        case 1 -> E2e.get(node, path + "/" + i + "?q=" + i);
        default -> E2e.post(node, "/api/commands/" + method.toLowerCase(), "{}");
      }
    }

    Set<String> after = series();
    int bytesAfter = E2e.get(node, "/metrics").body().length();
    Set<String> added = new TreeSet<>(after);
    added.removeAll(before);
    System.out.printf("BoundedMetricsTest: %d series before, %d after (%d added), /metrics %d -> %d bytes%n  %s%n",
        before.size(), after.size(), added.size(), bytesBefore, bytesAfter, String.join("\n  ", added));
    assertTrue(added.size() <= MAX_NEW_SERIES, added.size() + " series added by " + HOSTILE_REQUESTS
        + " hostile requests: " + String.join("\n", added.stream().limit(40).toList()));
    assertTrue(added.stream().noneMatch(s -> s.contains("method=\"M")), "a made-up method became a label value: " + added);
    assertTrue(after.stream().noneMatch(s -> s.contains("/x")), "a made-up path became a label value");
  }

  @Test
  void unknownMethodsFoldIntoOneValue() {
    E2e.send(HttpRequest.newBuilder(URI.create(E2e.base(node) + "/api/me")).method("BREW", HttpRequest.BodyPublishers.noBody()));
    String body = E2e.get(node, "/metrics").body();
    assertTrue(body.contains("method=\"OTHER\""), "unknown methods are counted as OTHER");
    assertTrue(!body.contains("method=\"BREW\""));
    assertEquals(200, E2e.get(node, "/metrics").status());
  }

  /** Each sample line of {@code /metrics} without its value: metric name and labels. */
  static Set<String> series() {
    String body = E2e.get(node, "/metrics").body();
    Set<String> out = new TreeSet<>();
    for (String line : body.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        out.add(line.substring(0, line.lastIndexOf(' ')));
      }
    }
    return out;
  }
}
