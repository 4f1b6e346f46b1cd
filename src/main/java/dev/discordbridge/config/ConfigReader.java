package dev.discordbridge.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads typed values out of the merged configuration (conf/ defaults overlaid by the
 * environment). Values from the environment are strings; values from conf/ may be typed.
 * Every failure names the variable, what it must be, and what it got (never for secrets).
 */
final class ConfigReader {
  private static final Pattern BUCKET = Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(\\d{1,6})\\s*s\\s*");
  private final JsonObject source;

  ConfigReader(JsonObject source) {
    this.source = source;
  }

  String string(String key, String fallback) {
    Object v = source.getValue(key);
    if (v == null) {
      return fallback;
    }
    String s = v.toString().trim();
    return s.isEmpty() ? fallback : s;
  }

  String secret(String key) {
    return string(key, null);
  }

  boolean bool(String key, boolean fallback) {
    String s = string(key, null);
    if (s == null) {
      return fallback;
    }
    return switch (s.toLowerCase()) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new ConfigException(key + " must be true or false, got \"" + shown(s) + "\"");
    };
  }

  long number(String key, long fallback, long min, long max) {
    String s = string(key, null);
    if (s == null) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a whole number from " + min + " to " + max + ", got \"" + shown(s) + "\"");
    }
    if (n < min || n > max) {
      throw new ConfigException(key + " must be from " + min + " to " + max + ", got " + n);
    }
    return n;
  }

  double decimal(String key, double fallback, double min, double max) {
    String s = string(key, null);
    if (s == null) {
      return fallback;
    }
    double n;
    try {
      n = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a number from " + min + " to " + max + ", got \"" + shown(s) + "\"");
    }
    if (!(n >= min && n <= max)) {
      throw new ConfigException(key + " must be from " + min + " to " + max + ", got " + n);
    }
    return n;
  }

  int integer(String key, int fallback, int min, int max) {
    return (int) number(key, fallback, min, max);
  }

  List<String> list(String key) {
    Object v = source.getValue(key);
    if (v instanceof JsonArray a) {
      List<String> out = new ArrayList<>();
      a.forEach(x -> out.add(String.valueOf(x).trim()));
      return List.copyOf(out);
    }
    String s = string(key, null);
    if (s == null) {
      return List.of();
    }
    return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }

  RateLimitConfig.Bucket bucket(String key, String fallback) {
    String s = string(key, fallback);
    var m = BUCKET.matcher(s);
    if (!m.matches()) {
      throw new ConfigException(key + " must be a bucket like \"10/10s\" (<capacity>/<seconds>s), got \"" + shown(s) + "\"");
    }
    int capacity = Integer.parseInt(m.group(1));
    int seconds = Integer.parseInt(m.group(2));
    if (capacity < 1 || seconds < 1) {
      throw new ConfigException(key + " must have a capacity and a period of at least 1, got \"" + shown(s) + "\"");
    }
    return new RateLimitConfig.Bucket(capacity, seconds);
  }

  /** A file-system path (not checked for existence: the capability that uses it creates it). */
  Path path(String key, String fallback) {
    String s = string(key, fallback);
    try {
      return Path.of(s);
    } catch (InvalidPathException e) {
      throw new ConfigException(key + " must be a file-system path, got \"" + shown(s) + "\"");
    }
  }

  static String shown(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
