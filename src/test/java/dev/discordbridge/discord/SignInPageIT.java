package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real browser (headless Chromium) with Sign in with Discord on: the button, the
 * whole redirect chain through the fake Discord's authorize page, the user's name and avatar
 * once back, and signing out.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SignInPageIT {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  Vertx vertx;
  FakeDiscord discord;
  Node node;
  ChromeDriver driver;

  @AfterEach
  void tearDown() throws Exception {
    if (driver != null) {
      driver.quit();
    }
    if (node != null) {
      node.stop().await();
    }
    if (discord != null) {
      discord.stop().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void aVisitorSignsInWithDiscordSeesTheirNameAndAvatarAndSignsOut() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed at " + CHROMIUM);
    vertx = Vertx.vertx();
    discord = FakeDiscord.start(vertx, DirectModeTest.TOKEN, 1, 1).await();
    discord.guild(DirectModeTest.GUILD, List.of(DirectModeTest.TEXT), List.of());
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String base = "http://127.0.0.1:" + port;
    discord.rest.oauth(new FakeDiscordOAuth(SignInWithDiscordTest.CLIENT_ID, SignInWithDiscordTest.CLIENT_SECRET,
        base + "/auth/discord/callback").user(SignInWithDiscordTest.USER, "ana", "Ana B.", SignInWithDiscordTest.AVATAR,
        List.of(DirectModeTest.GUILD)));
    JsonObject settings = new JsonObject().put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", String.valueOf(port))
        .put("AUTH_JWT_SECRET", DirectNode.SECRET).put("DISCORD_COMPRESS", "none")
        .put("COMMAND_JOURNAL_DIR", Files.createTempDirectory("signin-page").toString())
        .put("NODE_ID", "signin-page-" + System.nanoTime())
        .put("DISCORD_CLIENT_ID", SignInWithDiscordTest.CLIENT_ID)
        .put("DISCORD_CLIENT_SECRET", SignInWithDiscordTest.CLIENT_SECRET).put("PUBLIC_BASE_URL", base)
        .put("DISCORD_OAUTH_AUTHORIZE_URL", discord.rest.apiBase().replace("/api/v10", "") + "/oauth2/authorize");
    discord.settings(DirectModeTest.TOKEN).forEach(settings::put);
    node = Node.start(Map.of(), settings).await();
    driver = newDriver();
    var wait = new WebDriverWait(driver, Duration.ofSeconds(20));

    driver.get(base + "/");
    WebElement button = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("[data-testid=discord-signin-button]")));
    assertEquals("Sign in with Discord", button.getText());
    button.click();

    WebElement name = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-testid=discord-name]")));
    assertEquals("Ana B.", name.getText());
    assertEquals(base + "/", driver.getCurrentUrl());
    String avatar = driver.findElement(By.cssSelector("[data-testid=discord-avatar]")).getAttribute("src");
    assertEquals("https://cdn.discordapp.com/avatars/" + SignInWithDiscordTest.USER + "/" + SignInWithDiscordTest.AVATAR
        + ".png", avatar);
    assertTrue(driver.manage().getCookieNamed("bridge_token").isHttpOnly());

    driver.findElement(By.cssSelector("[data-testid=discord-signout]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".topbar [data-testid=discord-signin-button]")));
    Poll.until(10_000, "the session cookie cleared", () -> driver.manage().getCookieNamed("bridge_token") == null);
  }

  static ChromeDriver newDriver() {
    var options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--window-size=1400,900");
    var service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
        .usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }
}
