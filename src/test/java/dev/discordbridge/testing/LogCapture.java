package dev.discordbridge.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/** Captures every log line written while it is open (a logback ListAppender on the root logger). */
public final class LogCapture implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

  public LogCapture() {
    appender.start();
    root.addAppender(appender);
  }

  /** A copy of the lines so far. */
  public synchronized List<ILoggingEvent> lines() {
    synchronized (appender.list) {
      return List.copyOf(appender.list);
    }
  }

  public long count(Predicate<ILoggingEvent> which) {
    return lines().stream().filter(which).count();
  }

  /** Lines at {@code level} or above. */
  public long atLeast(Level level) {
    return count(e -> e.getLevel().isGreaterOrEqual(level));
  }

  /** Lines at {@code level} or above whose message contains {@code text}. */
  public long atLeast(Level level, String text) {
    return count(e -> e.getLevel().isGreaterOrEqual(level) && e.getFormattedMessage().contains(text));
  }

  /** Lines of one logger (its name ends with {@code loggerSuffix}) at INFO or above. */
  public long ofLogger(String loggerSuffix) {
    return count(e -> e.getLoggerName().endsWith(loggerSuffix) && e.getLevel().isGreaterOrEqual(Level.INFO));
  }

  public String dump() {
    StringBuilder sb = new StringBuilder();
    for (ILoggingEvent e : lines()) {
      sb.append(e.getLevel()).append(' ').append(e.getLoggerName()).append(" - ").append(e.getFormattedMessage()).append('\n');
    }
    return sb.toString();
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
