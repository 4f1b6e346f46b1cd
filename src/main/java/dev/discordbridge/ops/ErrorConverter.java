package dev.discordbridge.ops;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;

/** {@code %error} in log patterns: {@code class: message} of the failure logged, or empty. */
public final class ErrorConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    IThrowableProxy error = event.getThrowableProxy();
    return error == null ? "" : error.getClassName() + ": " + error.getMessage();
  }
}
