package dev.discordbridge.web;

import dev.discordbridge.sim.TestHub;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the page's browser tests share: a whole bridge node started in-process in demo mode (the
 * tests drive its embedded simulated hub, no generated traffic), headless Chromium signed in as
 * the first demo user before each test, and helpers. Each subclass gets its own node and browser.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
abstract class PageFixture {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** Counts the sockets the page opens (installed before any page script runs). */
  static final String SOCKET_COUNTER = """
      window.__opened = {ws: 0, es: 0};
      const WS = window.WebSocket;
      if (WS) { window.WebSocket = function (...a) { window.__opened.ws++; return new WS(...a); };
                window.WebSocket.prototype = WS.prototype; }
      const ES = window.EventSource;
      if (ES) { window.EventSource = function (...a) { window.__opened.es++; return new ES(...a); };
                window.EventSource.prototype = ES.prototype; }
      window.__voiceFetches = 0;
      window.__streamFetches = 0;
      const F = window.fetch;
      window.fetch = function (u, o) {
        if (String(u).endsWith('/voice')) window.__voiceFetches++;
        if (String(u).includes('/api/stream')) window.__streamFetches++;
        return F.call(this, u, o); };
      window.__dialogsShown = [];
      const show = HTMLDialogElement.prototype.showModal;
      HTMLDialogElement.prototype.showModal = function () {
        window.__dialogsShown.push({id: this.id, channelId: this.dataset.channelId}); return show.call(this); };
      """;

  static Node node;
  static ChromeDriver driver;
  static HttpClient http;
  static String base;
  static JsonObject roster;
  static String guildId;
  static String voiceChannelId;
  static String textChannelId;
  static String me;
  static String other;
  static String otherName;

  @BeforeAll
  static void startBridgeAndBrowser() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM);
    node = Node.start(Map.of(), new JsonObject()
        .put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", 0)
        .put("SIM_EVENTS_PER_SEC", 0)
        .put("COMMAND_ACK_WAIT_MS", 300)
        .put("COMMAND_ATTEMPT_TIMEOUT_MS", 600)
        .put("COMMAND_BACKOFF_MAX_MS", 500)
        .put("COMMAND_MAX_ATTEMPTS", 50)
        .put("LINK_BACKOFF_BASE_MS", 100)
        .put("LINK_BACKOFF_MAX_MS", 1_000)
        .put("NODE_ID", "web-it"), TestHub::new).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + node.httpPort();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    roster = hub().roster();
    JsonObject guild = roster.getJsonArray("guilds").getJsonObject(0);
    guildId = guild.getString("id");
    for (Object o : guild.getJsonArray("channels")) {
      JsonObject c = (JsonObject) o;
      if ("voice".equals(c.getString("type")) && voiceChannelId == null) {
        voiceChannelId = c.getString("id");
      }
      if ("text".equals(c.getString("type")) && textChannelId == null) {
        textChannelId = c.getString("id");
      }
    }
    JsonArray users = roster.getJsonArray("users");
    me = users.getJsonObject(0).getString("id");
    other = users.getJsonObject(1).getString("id");
    otherName = users.getJsonObject(1).getString("username");

    driver = newDriver(SOCKET_COUNTER);
  }

  /** Headless Debian Chromium through its chromedriver (no download), {@code preload} run before any page script. */
  static ChromeDriver newDriver(String preload) {
    var options = new ChromeOptions();
    // The page's console (errors, and failed loads such as a 401 or a 404) for the assertions below.
    var logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--window-size=1400,900");
    var service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
        .usingAnyFreePort().build();
    var chrome = new ChromeDriver(service, options);
    chrome.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", preload));
    return chrome;
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

  /** The hub the bridge is linked to: the one seam between this test and the simulator. */
  static TestHub hub() {
    return ((TestHub) node.simulatedHub());
  }

  @BeforeEach
  void signIn() {
    driver.manage().deleteAllCookies();
    driver.get(base + "/");
    var wait = waiter();
    WebElement picker = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("demo-user")));
    new Select(picker).selectByValue(me);
    driver.findElement(By.id("sign-in-button")).click();
    wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
  }

  WebDriverWait waiter() {
    return new WebDriverWait(driver, Duration.ofSeconds(10), Duration.ofMillis(50));
  }

  static void emit(String name, String channelId, JsonObject data) {
    hub().emit(new JsonObject().put("id", Ids.newEventId()).put("name", name).put("guildId", guildId)
            .put("channelId", channelId).put("occurredAt", Times.now()).put("data", data)
            .put("trace", new JsonObject().put("traceId", Ids.newTraceId())))
        .toCompletionStage().toCompletableFuture().join();
  }

  static void voiceJoined(String userId, String username) {
    emit("voice.joined", voiceChannelId, new JsonObject().put("userId", userId).put("username", username)
        .put("channelId", voiceChannelId));
  }

  static void voiceLeft(String userId, String reason) {
    emit("voice.left", voiceChannelId, new JsonObject().put("userId", userId).put("channelId", voiceChannelId)
        .put("reason", reason));
  }

  static By member(String userId) {
    return By.cssSelector("[data-testid='voice-channel-" + voiceChannelId + "'] [data-user-id='" + userId + "']");
  }

  boolean modalOpen() {
    return (Boolean) ((JavascriptExecutor) driver).executeScript("return document.getElementById('dropout-modal').open");
  }

  /** Emits a message and waits until the page shows it: every event before it has been applied. */
  void awaitMarker() {
    String id = String.valueOf(900_000_000_000_100_000L + (System.nanoTime() % 100_000));
    emit("messageCreate", textChannelId, new JsonObject().put("messageId", id)
        .put("author", new JsonObject().put("id", other).put("username", otherName)).put("content", "marker"));
    waiter().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-message-id='" + id + "']")));
  }

  long dialogsShown() {
    return ((Number) ((JavascriptExecutor) driver).executeScript("return window.__dialogsShown.length")).longValue();
  }

  // ---- link control ----

  /** The hub refuses new links and drops the bridge's socket: the link is down until {@link #bringLinkUp}. */
  static void takeLinkDown() {
    hub().refuseConnections(true);
    hub().dropLink().toCompletionStage().toCompletableFuture().join();
  }

  /** The hub accepts the link again; the bridge reconnects (resuming its session) and drains its queue. */
  static void bringLinkUp() {
    hub().refuseConnections(false);
  }

  // ---- helpers ----

  static double metric(String name) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    double sum = 0;
    boolean found = false;
    for (String line : response.body().split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        found = true;
      }
    }
    assertTrue(found, name + " is exposed on /metrics");
    return sum;
  }

  static void screenshot(String name) {
    shot(driver, name);
  }

  static void shot(ChromeDriver which, String name) {
    try {
      Path dir = Path.of("target", "screenshots");
      Files.createDirectories(dir);
      Files.write(dir.resolve(name + ".png"), which.getScreenshotAs(OutputType.BYTES));
    } catch (Exception e) {
      // a screenshot is a debugging aid, never a reason to fail
    }
  }
}
