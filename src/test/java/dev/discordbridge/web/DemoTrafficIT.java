package dev.discordbridge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.discordbridge.app.Node;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo as a newcomer sees it, with the simulator generating traffic: signed in as a demo
 * user in Chromium, the page's stream carries plenty of activity, and none of it is spoken,
 * reacted, typed or moved as the signed-in user (nor as any user one can sign in as).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DemoTrafficIT {
  /** Events of the simulator read through the page's own session (the cookie), then summarized. */
  static final String COLLECT = """
      const done = arguments[arguments.length - 1];
      const want = arguments[0];
      const actors = [];
      const es = new EventSource('/api/stream', {withCredentials: true});
      const finish = () => { es.close(); done(actors); };
      const timer = setTimeout(finish, 20000);
      for (const name of ['messageCreate', 'reactionAdd', 'typingStart', 'voice.joined', 'voice.left']) {
        es.addEventListener(name, (e) => {
          const d = JSON.parse(e.data).data || {};
          actors.push(name + ':' + (d.author ? d.author.id : d.userId));
          if (actors.length >= want) { clearTimeout(timer); finish(); }
        });
      }
      """;

  static Node node;
  static ChromeDriver driver;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Files.isExecutable(PageFixture.CHROMIUM), "Chromium is not installed at " + PageFixture.CHROMIUM);
    node = Node.start(Map.of(), new JsonObject().put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", 0)
            .put("SIM_EVENTS_PER_SEC", 300).put("NODE_ID", "demo-traffic-it"))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    driver = PageFixture.newDriver("");
  }

  @AfterAll
  static void stop() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    if (node != null) {
      node.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void theSimulatorNeverActsAsTheSignedInUser() {
    JsonArray users = node.simulatedHub().roster().getJsonArray("users");
    String me = users.getJsonObject(0).getString("id");
    List<String> signInable = users.stream().map(JsonObject.class::cast)
        .filter(u -> !u.getBoolean("simulated", false)).map(u -> u.getString("id")).toList();

    driver.get("http://127.0.0.1:" + node.httpPort() + "/");
    var wait = new WebDriverWait(driver, Duration.ofSeconds(10), Duration.ofMillis(50));
    new Select(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("demo-user")))).selectByValue(me);
    driver.findElement(By.id("sign-in-button")).click();
    wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));

    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    @SuppressWarnings("unchecked")
    List<String> actors = (List<String>) driver.executeAsyncScript(COLLECT, 1_500);
    assertTrue(actors.size() >= 1_000, "the simulator produced traffic: " + actors.size() + " events");
    List<String> mine = actors.stream().filter(a -> a.endsWith(":" + me)).limit(10).toList();
    assertEquals(List.of(), mine, "events spoken, reacted, typed or moved as the signed-in user");
    List<String> asDemoUsers = actors.stream().filter(a -> signInable.contains(a.substring(a.indexOf(':') + 1))).limit(10).toList();
    assertEquals(List.of(), asDemoUsers, "events as any user one can sign in as");
    // The page shows the signed-in user in no voice channel: nobody moved them.
    assertTrue(driver.findElements(By.cssSelector("[data-testid='voice-member'][data-user-id='" + me + "']")).isEmpty());
    // The page rendered all that traffic (custom emoji included) without a console error.
    assertTrue(driver.findElements(By.cssSelector("[data-testid='feed-message']")).size() > 10, "the feed shows the traffic");
    assertEquals(List.of(), driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::getMessage).toList(), "no console error");
  }
}
