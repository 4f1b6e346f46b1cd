package dev.discordbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.app.Node;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * Fault (issue 9, item 8): the page was served "immutable" for a day, so users kept a stale page
 * after a deploy. Over real HTTP: every file of the page must be revalidated, and a conditional
 * request for an unchanged file is answered 304 without a body.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PageCachingTest {
  static Node node;

  @BeforeAll
  static void start() {
    node = E2e.start(new JsonObject());
  }

  @AfterAll
  static void stop() {
    node.stop().await();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "/index.html", "/app.js", "/app.css"})
  void pageFilesAreRevalidatedAndAnswered304WhileUnchanged(String path) {
    E2e.Response first = E2e.get(node, path);
    assertEquals(200, first.status());
    String cacheControl = first.header("Cache-Control");
    assertNotNull(cacheControl, path);
    assertFalse(cacheControl.contains("immutable"), path + ": " + cacheControl);
    assertFalse(cacheControl.matches(".*max-age=[1-9].*"), path + ": " + cacheControl);
    assertTrue(cacheControl.contains("no-cache"), path + ": " + cacheControl);
    String lastModified = E2e.nonNull(first.header("Last-Modified"), "Last-Modified on " + path);

    E2e.Response again = E2e.get(node, path, "If-Modified-Since", lastModified);
    assertEquals(304, again.status(), path);
    assertEquals("", again.body());
    assertTrue(again.header("Cache-Control").contains("no-cache"), path);
  }
}
