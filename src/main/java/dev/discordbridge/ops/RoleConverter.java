package dev.discordbridge.ops;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.discordbridge.config.Role;

/**
 * {@code %role} in log patterns (the text lines and the JSON field): the capability of the
 * logging class, from its package; {@code lib} for everything outside the bridge.
 */
public final class RoleConverter extends ClassicConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return role(event.getLoggerName());
  }

  /** The role of a logger, from the capability package of its class. */
  private static String role(String loggerName) {
    if (loggerName == null || !loggerName.startsWith("dev.discordbridge.")) {
      return "lib";
    }
    String rest = loggerName.substring("dev.discordbridge.".length());
    int dot = rest.indexOf('.');
    String pkg = dot < 0 ? rest : rest.substring(0, dot);
    Role role = Role.ofPackage(pkg);
    if (role != null) {
      return role.id();
    }
    return "sim".equals(pkg) ? "sim-hub" : pkg;
  }
}
