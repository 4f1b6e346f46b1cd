package dev.discordbridge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.Times;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a browser without EventSource (removed before any page script runs), against a
 * node with the legacy bridge on: it falls back to the legacy socket, and only to it, and voice
 * channels still fill and empty live.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LegacyFallbackIT {
  /**
   * No EventSource; every legacy socket is counted, its {@code subscribed} frames too, and what
   * the page sends reaches the bridge 400 ms late (a slow network): a page that called itself live
   * before the bridge confirmed its subscription would miss the events of that gap.
   */
  static final String NO_EVENT_SOURCE = """
      delete window.EventSource;
      window.__opened = {ws: 0};
      window.__subscribed = 0;
      const WS = window.WebSocket;
      window.WebSocket = function (...a) {
        window.__opened.ws++;
        const ws = new WS(...a);
        const send = ws.send.bind(ws);
        ws.send = (data) => setTimeout(() => send(data), 400);
        ws.addEventListener('message', (m) => { try { if (JSON.parse(m.data).type === 'subscribed') window.__subscribed++; } catch (e) {} });
        return ws;
      };
      window.WebSocket.prototype = WS.prototype;
      """;

  static Node node;
  static ChromeDriver driver;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Files.isExecutable(PageFixture.CHROMIUM), "Chromium is not installed at " + PageFixture.CHROMIUM);
    node = Node.start(Map.of(), new JsonObject().put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", 0)
            .put("SIM_EVENTS_PER_SEC", 0).put("ENABLE_WS_BRIDGE", "true").put("NODE_ID", "legacy-it"))
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    driver = PageFixture.newDriver(NO_EVENT_SOURCE);
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
  void withoutEventSourceThePageUsesTheLegacySocketAndShowsVoiceLive() {
    JsonObject roster = node.simulatedHub().roster();
    JsonObject guild = roster.getJsonArray("guilds").getJsonObject(0);
    String voice = guild.getJsonArray("channels").stream().map(JsonObject.class::cast)
        .filter(c -> "voice".equals(c.getString("type"))).findFirst().orElseThrow().getString("id");
    String me = roster.getJsonArray("users").getJsonObject(0).getString("id");
    JsonObject other = roster.getJsonArray("users").getJsonObject(1);

    driver.get("http://127.0.0.1:" + node.httpPort() + "/");
    var wait = new WebDriverWait(driver, Duration.ofSeconds(10), Duration.ofMillis(50));
    assertFalse((Boolean) ((JavascriptExecutor) driver).executeScript("return 'EventSource' in window"));
    new Select(wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("demo-user")))).selectByValue(me);
    driver.findElement(By.id("sign-in-button")).click();
    wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
    long guilds = roster.getJsonArray("guilds").size();
    assertEquals(guilds, ((Number) ((JavascriptExecutor) driver).executeScript("return window.__subscribed")).longValue(),
        "live only once the bridge confirmed every subscription");

    By member = By.cssSelector("[data-testid='voice-channel-" + voice + "'] [data-user-id='" + other.getString("id") + "']");
    emit(guild.getString("id"), voice, "voice.joined", new JsonObject().put("userId", other.getString("id"))
        .put("username", other.getString("username")).put("channelId", voice));
    WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(member));
    assertTrue(row.getText().contains(other.getString("username")));
    emit(guild.getString("id"), voice, "voice.left", new JsonObject().put("userId", other.getString("id"))
        .put("channelId", voice).put("reason", "left"));
    wait.until(ExpectedConditions.numberOfElementsToBe(member, 0));

    @SuppressWarnings("unchecked")
    Map<String, Object> opened = (Map<String, Object>) ((JavascriptExecutor) driver).executeScript("return window.__opened");
    assertEquals(1L, ((Number) opened.get("ws")).longValue(), "exactly one legacy socket, and no stream");
  }

  private static void emit(String guildId, String channelId, String name, JsonObject data) {
    node.simulatedHub().emit(new JsonObject().put("id", Ids.newEventId()).put("name", name).put("guildId", guildId)
            .put("channelId", channelId).put("occurredAt", Times.now()).put("data", data)
            .put("trace", new JsonObject().put("traceId", Ids.newTraceId())))
        .toCompletionStage().toCompletableFuture().join();
  }
}
