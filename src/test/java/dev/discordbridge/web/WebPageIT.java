package dev.discordbridge.web;

import dev.discordbridge.sim.TestHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.Times;
import dev.discordbridge.sim.SimulatedHub;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page at {@code /} in real headless Chromium against a whole bridge node started in-process
 * in demo mode; the test drives the embedded simulated hub (no generated traffic).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WebPageIT {
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

  @Test
  void showsMembersJoiningAndLeaving() {
    voiceJoined(other, otherName);
    WebElement row = waiter().until(ExpectedConditions.visibilityOfElementLocated(member(other)));
    assertTrue(row.getText().contains(otherName));

    voiceLeft(other, "left");
    waiter().until(ExpectedConditions.numberOfElementsToBe(member(other), 0));
    assertFalse(modalOpen(), "someone else leaving is no dropout of mine");
    screenshot("voice");
  }

  @Test
  void dropoutOfTheSignedInUserShowsTheModalAndADeliberateLeaveDoesNot() {
    String myName = roster.getJsonArray("users").getJsonObject(0).getString("username");
    voiceJoined(me, myName);
    waiter().until(ExpectedConditions.visibilityOfElementLocated(member(me)));
    voiceLeft(me, "disconnected");
    waiter().until(d -> modalOpen());
    assertEquals("dropout-rejoin", driver.switchTo().activeElement().getAttribute("id"), "focus moves into the modal");
    screenshot("dropout");
    driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    waiter().until(d -> !modalOpen());

    voiceJoined(me, myName);
    waiter().until(ExpectedConditions.visibilityOfElementLocated(member(me)));
    voiceLeft(me, "left");
    waiter().until(ExpectedConditions.numberOfElementsToBe(member(me), 0));
    voiceJoined(me, myName);
    voiceLeft(me, "kicked");
    // The page has applied both: the feed shows the kick as its newest voice line.
    waiter().until(d -> d.findElement(By.cssSelector("[data-testid='feed'] li")).getText().contains("removed"));
    assertFalse(modalOpen(), "leaving on purpose, or being kicked, is not a dropout");
  }

  @Test
  void opensExactlyOneStreamAndNoWebSocket() throws Exception {
    Map<?, ?> opened = (Map<?, ?>) ((JavascriptExecutor) driver).executeScript("return window.__opened");
    // The page reads the stream through the browser client (fetch), which sends Last-Event-ID itself.
    assertEquals(1L, ((Number) ((JavascriptExecutor) driver).executeScript("return window.__streamFetches")).longValue(), "one stream");
    assertEquals(0L, ((Number) opened.get("ws")).longValue(), "no legacy WebSocket while EventSource exists");
    assertEquals(1.0, metric("bridge_sse_connections"), "the bridge sees exactly one stream");
  }

  @Test
  void theChannelPickerNamesTheServerOfEachChannel() {
    List<String> labels = new Select(driver.findElement(By.id("composer-channel"))).getOptions().stream()
        .map(WebElement::getText).toList();
    assertEquals(labels.size(), Set.copyOf(labels).size(), "no two channels look alike: " + labels);
    String guildName = roster.getJsonArray("guilds").getJsonObject(0).getString("name");
    assertTrue(labels.stream().anyMatch(l -> l.contains("#") && l.contains(guildName)), labels.toString());
  }

  @Test
  void sentByYouSaysWhereEachWent() {
    Select picker = new Select(driver.findElement(By.id("composer-channel")));
    String where = picker.getFirstSelectedOption().getText();
    driver.findElement(By.id("composer-text")).sendKeys("where did it go");
    driver.findElement(By.id("composer-send")).click();
    WebElement item = new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(100)).until(ExpectedConditions
        .presenceOfElementLocated(By.cssSelector("[data-testid='outbox-item'][data-status='delivered']")));
    assertTrue(item.getText().contains(where), "the item names " + where + ": " + item.getText());
  }

  @Test
  void signedOutTheHeaderShowsTheBridgeStateNotNotConnected() {
    ChromeDriver fresh = newDriver("");
    try {
      fresh.get(base + "/");
      var wait = new WebDriverWait(fresh, Duration.ofSeconds(10), Duration.ofMillis(50));
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("demo-user")));
      wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "up"));
      assertFalse(fresh.findElement(By.id("connection")).getText().contains("Not connected"));
      fresh.manage().window().setSize(new org.openqa.selenium.Dimension(375, 812));
      shot(fresh, "phone-signed-out");
      takeLinkDown();
      try {
        fresh.navigate().refresh();
        wait.until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "down"));
        assertTrue(fresh.findElement(By.id("connection")).getText().contains("link down"), fresh.findElement(By.id("connection")).getText());
      } finally {
        bringLinkUp();
      }
    } finally {
      fresh.quit();
    }
  }

  @Test
  void onAPhoneTheDropoutStatusSitsUnderItsButtonAndTheDialogKeepsAMargin() {
    driver.manage().window().setSize(new org.openqa.selenium.Dimension(375, 812));
    try {
      WebElement button = driver.findElement(By.id("demo-dropout"));
      ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", button);
      button.click();
      WebElement status = waiter().until(d -> {
        WebElement s = d.findElement(By.cssSelector("[data-testid='voice-status']"));
        return s.getText().contains("Demo: you") ? s : null;
      });
      assertEquals("", driver.findElement(By.id("composer-status")).getText(), "not in the composer column");
      int gap = status.getRect().getY() - (button.getRect().getY() + button.getRect().getHeight());
      assertTrue(gap >= 0 && gap < 40, "right under its button: " + gap + " px");
      screenshot("phone-dropout-status");
      waiter().until(d -> modalOpen());
      var dialog = driver.findElement(By.id("dropout-modal")).getRect();
      assertTrue(dialog.getX() >= 12 && dialog.getX() + dialog.getWidth() <= 375 - 12,
          "the dialog keeps a margin on a phone: x=" + dialog.getX() + " width=" + dialog.getWidth());
      screenshot("phone-dropout-dialog");
      driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
      waiter().until(d -> !modalOpen());
    } finally {
      driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 900));
    }
    screenshot("desktop");
  }

  @Test
  void aStreamResetRefetchesTheVoiceSnapshot() {
    long before = voiceFetches();
    hub().invalidateSessions();
    hub().dropLink().toCompletionStage().toCompletableFuture().join();
    // The bridge cannot resume upstream: every stream gets `reset`, the page reloads the snapshot.
    new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(50)).until(d -> voiceFetches() > before);
    waiter().until(ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
    voiceJoined(other, otherName);
    waiter().until(ExpectedConditions.visibilityOfElementLocated(member(other)));
    voiceLeft(other, "left");
    waiter().until(ExpectedConditions.numberOfElementsToBe(member(other), 0));
  }

  long voiceFetches() {
    return ((Number) ((JavascriptExecutor) driver).executeScript("return window.__voiceFetches")).longValue();
  }

  @Test
  void feedRendersTextNeverMarkup() {
    String content = "<img src=x onerror=\"window.__pwned=1\"> hi";
    emit("messageCreate", textChannelId, new JsonObject().put("messageId", "900000000000000001")
        .put("author", new JsonObject().put("id", other).put("username", otherName)).put("content", content));
    WebElement item = waiter().until(ExpectedConditions.visibilityOfElementLocated(
        By.cssSelector("[data-testid='feed-message'][data-message-id='900000000000000001']")));
    assertTrue(item.getText().contains("<img src=x"));
    assertTrue(driver.findElements(By.cssSelector("#feed img")).isEmpty());
  }

  @Test
  void messageSentWhileTheLinkIsDownIsQueuedThenDelivered() {
    takeLinkDown();
    try {
      driver.findElement(By.id("composer-text")).sendKeys("sent while Discord is away");
      driver.findElement(By.id("composer-send")).click();
      waiter().until(ExpectedConditions.presenceOfElementLocated(
          By.cssSelector("[data-testid='outbox-item'][data-status='queued']")));
      screenshot("queued");
    } finally {
      bringLinkUp();
    }
    new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(100)).until(ExpectedConditions
        .presenceOfElementLocated(By.cssSelector("[data-testid='outbox-item'][data-status='delivered']")));
    // The hub's echo of the delivered message reaches the feed once.
    waiter().until(d -> d.findElements(By.cssSelector("[data-testid='feed-message']")).stream()
        .anyMatch(e -> e.getText().contains("sent while Discord is away")));
    assertEquals(1, driver.findElements(By.cssSelector("[data-testid='feed-message']")).stream()
        .filter(e -> e.getText().contains("sent while Discord is away")).count(), "delivered once, shown once");
  }

  @Test
  void signedOutThePageAsksForNothingThatNeedsATokenAndLogsNoError() {
    ChromeDriver fresh = newDriver("");
    try {
      fresh.get(base + "/");
      var wait = new WebDriverWait(fresh, Duration.ofSeconds(10), Duration.ofMillis(50));
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("demo-user")));
      // The page has finished booting once the sign-in list is filled; a late request would still be listed below.
      wait.until(d -> !new Select(d.findElement(By.id("demo-user"))).getOptions().isEmpty());
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> resources = (List<Map<String, Object>>) fresh.executeScript(
          "return performance.getEntriesByType('resource').map(e => ({name: e.name, status: e.responseStatus}))");
      for (Map<String, Object> r : resources) {
        String name = String.valueOf(r.get("name"));
        assertFalse(name.contains("/api/me") || name.contains("/voice") || name.contains("/api/stream"),
            "signed out, the page asked for " + name);
        assertTrue(((Number) r.get("status")).intValue() < 400, name + " answered " + r.get("status"));
      }
      assertTrue(resources.stream().anyMatch(r -> String.valueOf(r.get("name")).endsWith("/favicon.svg")), "a favicon: " + resources);
      List<String> errors = fresh.manage().logs().get(LogType.BROWSER).getAll().stream()
          .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::getMessage).toList();
      assertEquals(List.of(), errors, "no console errors or warnings signed out");
      // Only demo users can sign in: never one of the simulated people.
      List<String> offered = new Select(fresh.findElement(By.id("demo-user"))).getOptions().stream()
          .map(o -> o.getAttribute("value")).toList();
      List<String> demoUsers = roster.getJsonArray("users").stream().map(JsonObject.class::cast)
          .filter(u -> !u.getBoolean("simulated")).map(u -> u.getString("id")).toList();
      assertEquals(demoUsers, offered);
    } finally {
      fresh.quit();
    }
  }

  @Test
  void theDemoDropoutButtonJoinsMeThenOpensTheDialogOnceForThatChannel() {
    driver.manage().logs().get(LogType.BROWSER);   // drains what earlier tests logged
    driver.findElement(By.id("demo-dropout")).click();
    // First the page shows me in a voice channel (the demo action joins me) ...
    By meAnywhere = By.cssSelector("[data-testid^='voice-channel-'] [data-user-id='" + me + "']");
    WebElement row = waiter().until(ExpectedConditions.presenceOfElementLocated(meAnywhere));
    String channel = row.findElement(By.xpath("ancestor::div[contains(@class,'voice-channel')]")).getAttribute("data-channel-id");
    // ... then the connection drops there: the dialog opens, for that channel, and I am out of it.
    waiter().until(d -> modalOpen());
    assertEquals(channel, driver.findElement(By.id("dropout-modal")).getAttribute("data-channel-id"));
    assertTrue(driver.findElements(meAnywhere).isEmpty(), "after the drop I am in no voice channel");
    String feedTime = driver.findElement(By.cssSelector("[data-testid='feed-voice'] time")).getAttribute("datetime");
    assertTrue(Math.abs(Times.parse("occurredAt", feedTime) - System.currentTimeMillis()) < 30_000, "the drop happened now: " + feedTime);
    driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    waiter().until(d -> !modalOpen());
    awaitMarker();
    assertEquals(1L, dialogsShown(), "the dialog opened once");
    assertEquals(List.of(), driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::getMessage).toList(), "no console error");
  }

  @Test
  void aDropoutFromAChannelIWasNotShownInOpensNoDialog() {
    // Nobody showed me in that channel: a disconnected leave for it (stray, replayed, or posted by
    // hand with the wrong ids) is no dropout of mine.
    voiceLeft(me, "disconnected");
    awaitMarker();
    assertFalse(modalOpen(), "no dialog for a channel I was not in");
    assertEquals(0L, dialogsShown());
  }

  @Test
  void customEmojiIsAnImageAndOldEventsShowTheirDate() {
    String messageId = "900000000000000002";
    emit("messageCreate", textChannelId, new JsonObject().put("messageId", messageId)
        .put("author", new JsonObject().put("id", other).put("username", otherName)).put("content", "wave"));
    emit("reactionAdd", textChannelId, new JsonObject().put("messageId", messageId).put("userId", other)
        .put("emoji", new JsonObject().put("name", "blobwave").put("id", "1189001122334455667")));
    // The demo's custom emoji: its image (the roster serves it), the name as alt text.
    Map<String, Object> shown = emojiShown("1189001122334455667");
    assertEquals("img", shown.get("tag"));
    assertEquals(":blobwave:", shown.get("alt"));
    assertTrue(String.valueOf(shown.get("src")).endsWith("/demo/emoji/blobwave.svg"), shown.toString());
    waiter().until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
        "const i = document.querySelector(\"img[data-emoji-id='1189001122334455667']\"); return i != null && i.complete && i.naturalWidth > 0;"));
    // Any other custom emoji: Discord's CDN by id (no network here: it falls back to ":name:").
    emit("reactionAdd", textChannelId, new JsonObject().put("messageId", messageId).put("userId", other)
        .put("emoji", new JsonObject().put("name", "partyparrot").put("id", "1189001122334455668")));
    Map<String, Object> cdn = emojiShown("1189001122334455668");
    if ("img".equals(cdn.get("tag"))) {
      assertEquals(":partyparrot:", cdn.get("alt"));
      assertTrue(String.valueOf(cdn.get("src")).startsWith("https://cdn.discordapp.com/emojis/1189001122334455668."), cdn.toString());
    } else {
      assertEquals(":partyparrot:", cdn.get("text"));
    }
    // A Unicode emoji is itself.
    emit("reactionAdd", textChannelId, new JsonObject().put("messageId", messageId).put("userId", other)
        .put("emoji", new JsonObject().put("name", "🎉").putNull("id")));
    waiter().until(d -> d.findElement(By.cssSelector("[data-message-id='" + messageId + "'] [data-testid='reactions']")).getText().contains("🎉"));

    String yesterday = Times.format(System.currentTimeMillis() - 36 * 3600 * 1000L);
    hub().emit(new JsonObject().put("id", Ids.newEventId()).put("name", "messageCreate").put("guildId", guildId)
            .put("channelId", textChannelId).put("occurredAt", yesterday)
            .put("data", new JsonObject().put("messageId", "900000000000000003")
                .put("author", new JsonObject().put("id", other).put("username", otherName)).put("content", "from yesterday")))
        .toCompletionStage().toCompletableFuture().join();
    WebElement old = waiter().until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("[data-message-id='900000000000000003'] time")));
    WebElement fresh = driver.findElement(By.cssSelector("[data-message-id='" + messageId + "'] time"));
    assertFalse(fresh.getText().contains(","), "today: the time alone, " + fresh.getText());
    assertTrue(old.getText().contains(", ") && old.getText().length() > fresh.getText().length(),
        "not today: the date, then the time: " + old.getText());
  }

  /** The element showing a custom emoji in the feed's newest reaction line for it: tag, alt, text, src. */
  @SuppressWarnings("unchecked")
  Map<String, Object> emojiShown(String emojiId) {
    return (Map<String, Object>) waiter().until(d -> ((JavascriptExecutor) d).executeScript("""
        const e = document.querySelector("[data-testid='feed-reaction'] [data-emoji-id='" + arguments[0] + "']");
        return e && {tag: e.tagName.toLowerCase(), alt: e.getAttribute('alt'), text: e.textContent, src: e.getAttribute('src')};""",
        emojiId));
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
