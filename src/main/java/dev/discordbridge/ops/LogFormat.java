package dev.discordbridge.ops;

import dev.discordbridge.config.ConfigException;
import java.util.Locale;
import java.util.Map;

/**
 * Which log lines the node writes (logback.xml picks the appender named by the system property
 * {@code LOG_FORMAT}). {@code LOG_FORMAT} always wins; unset or empty, a newcomer running the
 * demo in a terminal gets readable text lines, and everything else (production, a container, a
 * file or a pipe) gets one JSON object per line. Decided before the first logger exists.
 */
public final class LogFormat {
  public static final String VARIABLE = "LOG_FORMAT";
  public static final String JSON = "json";
  public static final String TEXT = "text";

  private LogFormat() {}

  /**
   * @param environment the process environment
   * @param terminal whether stdout is a terminal ({@code System.console() != null})
   * @return {@code json} or {@code text}
   * @throws ConfigException for a LOG_FORMAT that is neither
   */
  public static String choose(Map<String, String> environment, boolean terminal) {
    String set = environment.get(VARIABLE);
    if (set != null && !set.isBlank()) {
      String v = set.trim().toLowerCase(Locale.ROOT);
      if (!JSON.equals(v) && !TEXT.equals(v)) {
        throw new ConfigException(VARIABLE + " must be json or text, got \"" + set + "\"");
      }
      return v;
    }
    String hub = environment.get("GATEWAY_WS_URL");
    boolean demo = hub == null || hub.isBlank();
    return terminal && demo ? TEXT : JSON;
  }

  /** Sets the system property logback.xml reads; call before any logger is created. */
  public static String apply(Map<String, String> environment, boolean terminal) {
    String format = choose(environment, terminal);
    System.setProperty(VARIABLE, format);
    return format;
  }
}
