package dev.discordbridge.ops;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** {@code %role} in text log patterns: the capability of the logging class. */
public final class RoleConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return JsonLogEncoder.role(event.getLoggerName());
  }
}
