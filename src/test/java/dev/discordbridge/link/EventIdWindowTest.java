package dev.discordbridge.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EventIdWindowTest {

  @Test
  void aSecondSightingIsADuplicate() {
    var w = new EventIdWindow(10);
    assertTrue(w.firstSeen("evt_a"));
    assertFalse(w.firstSeen("evt_a"));
    assertTrue(w.firstSeen("evt_b"));
  }

  @Test
  void staysBoundedAndForgetsTheLeastRecentlySeen() {
    var w = new EventIdWindow(3);
    w.firstSeen("a");
    w.firstSeen("b");
    w.firstSeen("c");
    assertFalse(w.firstSeen("a")); // touches a: b is now the eldest
    assertTrue(w.firstSeen("d"));
    assertEquals(3, w.size());
    assertFalse(w.contains("b"));
    assertTrue(w.contains("a"));
    assertTrue(w.firstSeen("b"));
  }

  @Test
  void holdsExactlyItsCapacity() {
    var w = new EventIdWindow(1_000);
    for (int i = 0; i < 5_000; i++) {
      w.firstSeen("evt_" + i);
    }
    assertEquals(1_000, w.size());
    assertTrue(w.contains("evt_4999"));
    assertTrue(w.contains("evt_4000"));
    assertFalse(w.contains("evt_3999"));
  }
}
