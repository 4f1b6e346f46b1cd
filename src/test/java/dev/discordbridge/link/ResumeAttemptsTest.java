package dev.discordbridge.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ResumeAttemptsTest {

  private final ResumeAttempts attempts = new ResumeAttempts(3);

  @Test
  void aSocketThatEndsWithItsResumeUnprovenCountsOneFailure() {
    attempts.begin(true);
    assertTrue(attempts.unproven());
    assertTrue(attempts.ended(true));
    assertEquals(1, attempts.failed());
    assertFalse(attempts.unproven());
    assertFalse(attempts.ended(true), "one socket counts once");
    assertEquals(1, attempts.failed());
  }

  @Test
  void aProvenResumeDoesNotCountAndClearsTheFailuresBefore() {
    attempts.begin(true);
    attempts.ended(true);
    attempts.begin(true);
    attempts.proven();
    assertFalse(attempts.ended(true));
    assertEquals(0, attempts.failed());
  }

  @Test
  void anEndThatDoesNotCountClearsTheResumeWithoutCountingIt() {
    attempts.begin(true);
    assertFalse(attempts.ended(false));
    assertEquals(0, attempts.failed());
    assertFalse(attempts.unproven());
  }

  @Test
  void aSocketWithoutAResumeNeverCounts() {
    attempts.begin(false);
    assertFalse(attempts.ended(true));
    assertEquals(0, attempts.failed());
  }

  @Test
  void theSessionIsExhaustedAfterMaxFailuresInARowUntilReset() {
    for (int i = 1; i <= 3; i++) {
      assertFalse(attempts.exhausted(), "after " + (i - 1));
      attempts.begin(true);
      attempts.ended(true);
    }
    assertTrue(attempts.exhausted());
    assertEquals(3, attempts.failed());
    attempts.reset();
    assertFalse(attempts.exhausted());
    assertEquals(0, attempts.failed());
  }

  @Test
  void aLimitBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ResumeAttempts(0));
  }
}
