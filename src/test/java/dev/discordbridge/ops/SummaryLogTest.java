package dev.discordbridge.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.testing.LogCapture;
import dev.discordbridge.testing.Poll;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** Refusals counted by kind, one line per interval: the first at once, the rest in one deferred line. */
class SummaryLogTest {
  @Test
  void aBurstGivesTheFirstLineAtOnceAndOneSummaryAfterTheInterval() {
    var logger = LoggerFactory.getLogger("summary-log-test");
    SummaryLog summary = new SummaryLog(logger, Level.WARN, "things refused", 300);
    try (LogCapture logs = new LogCapture()) {
      for (int i = 0; i < 1_000; i++) {
        summary.record(i % 2 == 0 ? "even" : "odd", "trace-" + i);
      }
      assertEquals(1, logs.ofLogger("summary-log-test"), "only the first is written at once");
      Poll.until(3_000, "the deferred summary", () -> logs.ofLogger("summary-log-test") == 2);
      List<String> lines = logs.lines().stream().filter(e -> e.getLoggerName().equals("summary-log-test"))
          .map(e -> e.getFormattedMessage()).toList();
      assertEquals("things refused in the last 1 s: even=1 (latest trace trace-0)", lines.get(0));
      assertTrue(lines.get(1).contains("even=499 odd=500 (latest trace trace-999)"), lines.get(1));
    }
  }
}
