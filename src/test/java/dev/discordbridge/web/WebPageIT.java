package dev.discordbridge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.Times;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page at {@code /} in real headless Chromium against a whole bridge node started in-process
 * in demo mode; the test drives the embedded simulated hub (no generated traffic).
 */
class WebPageIT extends PageFixture {
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

}
