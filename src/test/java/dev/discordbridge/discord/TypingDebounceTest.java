package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TypingDebounceTest {

  @Test
  void oneRequestPerChannelPerWindow() {
    TypingDebounce d = new TypingDebounce(8_000);
    assertTrue(d.begin("a", 1_000));
    assertFalse(d.begin("a", 8_999), "within the window");
    assertTrue(d.begin("b", 2_000), "another channel is independent");
    assertTrue(d.begin("a", 9_000), "the window has passed");
  }

  @Test
  void aFailedRequestDoesNotHoldTheWindow() {
    TypingDebounce d = new TypingDebounce(8_000);
    assertTrue(d.begin("a", 1_000));
    d.failed("a", 1_000);
    assertTrue(d.begin("a", 1_001));
    d.failed("a", 1_000); // an older failure must not clear the newer mark
    assertFalse(d.begin("a", 1_002));
  }

  @Test
  void zeroDisablesTheDebounce() {
    TypingDebounce d = new TypingDebounce(0);
    assertTrue(d.begin("a", 5));
    assertTrue(d.begin("a", 5));
  }
}
