package dev.discordbridge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What a newcomer tripped on in the page (issue 24), in headless Chromium: the channel picker and
 * "Sent by you" name the server and channel; signed out, the header tells the bridge's state; on a
 * phone the dropout's status line sits under its button and the dialog keeps a margin.
 */
class PageFixesIT extends PageFixture {
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
    screenshot("sent-by-you");
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

}
