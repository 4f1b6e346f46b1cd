package dev.discordbridge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * Discord as people see it (issue 21) in headless Chromium: an author's avatar and display name
 * beside their message, an edit shown with "(edited)", a deletion removing the message, and an
 * avatar in voice presence.
 */
class PageFidelityIT extends PageFixture {
  static final String AVATAR = "https://cdn.discordapp.com/avatars/%s/0123456789abcdef0123456789abcdef.png";

  @Test
  void anAvatarAnEditAndADeletion() {
    String id = String.valueOf(900_000_000_000_200_000L + (System.nanoTime() % 100_000));
    emit("messageCreate", textChannelId, new JsonObject().put("messageId", id)
        .put("author", new JsonObject().put("id", other).put("username", otherName).put("displayName", "Shown Name")
            .put("avatarUrl", AVATAR.formatted(other)))
        .put("content", "before the edit"));
    By message = By.cssSelector("[data-message-id='" + id + "']");
    WebElement li = waiter().until(ExpectedConditions.presenceOfElementLocated(message));
    WebElement avatar = li.findElement(By.cssSelector("[data-testid='avatar']"));
    assertEquals("img", avatar.getTagName());
    assertEquals(AVATAR.formatted(other), avatar.getAttribute("src"));
    assertTrue(li.getText().contains("Shown Name"), li.getText());

    emit("messageUpdate", textChannelId, new JsonObject().put("messageId", id).put("content", "after the edit")
        .put("editedAt", "2026-12-07T08:00:00.000Z"));
    waiter().until(ExpectedConditions.textToBePresentInElementLocated(message, "after the edit"));
    WebElement edited = driver.findElement(message).findElement(By.cssSelector("[data-testid='edited']"));
    assertEquals("(edited)", edited.getText().strip());
    screenshot("fidelity-edited");

    emit("messageDelete", textChannelId, new JsonObject().put("messageId", id));
    waiter().until(ExpectedConditions.numberOfElementsToBe(message, 0));
  }

  @Test
  void voicePresenceShowsTheMembersAvatar() {
    emit("voice.joined", voiceChannelId, new JsonObject().put("userId", other).put("username", otherName)
        .put("channelId", voiceChannelId).put("displayName", "Voice Face").put("avatarUrl", AVATAR.formatted(other)));
    WebElement member = waiter().until(ExpectedConditions.presenceOfElementLocated(member(other)));
    waiter().until(d -> member.getText().contains("Voice Face"));
    assertEquals(AVATAR.formatted(other), member.findElement(By.cssSelector("[data-testid='avatar']")).getAttribute("src"));
    voiceLeft(other, "left");
  }
}
