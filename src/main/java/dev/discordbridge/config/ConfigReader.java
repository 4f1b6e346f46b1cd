package dev.discordbridge.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads typed values out of the merged configuration (conf/ defaults overlaid by the
 * environment). Values from the environment are strings; values from conf/ may be typed.
 * conf/bridge.json holds every default: a key it lacks (and nothing else sets) fails here, by
 * name. Every failure names the variable, what it must be, and what it got (never for secrets).
 */
final class ConfigReader {
  private static final Pattern BUCKET = Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(\\d{1,6})\\s*s\\s*");
  private final JsonObject source;

  ConfigReader(JsonObject source) {
    this.source = source;
  }

  /** The value of a setting that may be unset (no default in conf/), or null. */
  String optional(String key) {
    Object v = source.getValue(key);
    if (v == null) {
      return null;
    }
    String s = v.toString().trim();
    return s.isEmpty() ? null : s;
  }

  /** The value of a setting whose default conf/bridge.json must hold. */
  String string(String key) {
    String s = optional(key);
    if (s == null) {
      throw new ConfigException(key + " has no value: conf/bridge.json must define its default");
    }
    return s;
  }

  boolean bool(String key) {
    String s = string(key);
    return switch (s.toLowerCase()) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new ConfigException(key + " must be true or false, got \"" + shown(s) + "\"");
    };
  }

  long number(String key, long min, long max) {
    return ranged(key, "a whole number", Long::parseLong, min, max);
  }

  double decimal(String key, double min, double max) {
    return ranged(key, "a number", Double::parseDouble, min, max);
  }

  /** A number within [min, max] (NaN is out of range: Double orders it above every number). */
  private <N extends Comparable<N>> N ranged(String key, String what, Function<String, N> parse, N min, N max) {
    String s = string(key);
    N n;
    try {
      n = parse.apply(s);
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be " + what + " from " + min + " to " + max + ", got \"" + shown(s) + "\"");
    }
    if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
      throw new ConfigException(key + " must be from " + min + " to " + max + ", got " + n);
    }
    return n;
  }

  int integer(String key, int min, int max) {
    return (int) number(key, min, max);
  }

  /** A comma list (or a JSON array in conf/); an empty string is an empty list. */
  List<String> list(String key) {
    Object v = source.getValue(key);
    if (v == null) {
      throw new ConfigException(key + " has no value: conf/bridge.json must define its default");
    }
    if (v instanceof JsonArray a) {
      List<String> out = new ArrayList<>();
      a.forEach(x -> out.add(String.valueOf(x).trim()));
      return List.copyOf(out);
    }
    String s = optional(key);
    if (s == null) {
      return List.of();
    }
    return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }

  RateLimitConfig.Bucket bucket(String key) {
    String s = string(key);
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
  Path path(String key) {
    String s = string(key);
    try {
      return Path.of(s);
    } catch (InvalidPathException e) {
      throw new ConfigException(key + " must be a file-system path, got \"" + shown(s) + "\"");
    }
  }

  /** A loopback host written literally: localhost, 127.0.0.0/8 or ::1 (no name is looked up). */
  static boolean isLoopback(String host) {
    if (host == null) {
      return false;
    }
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (h.matches("127(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}")) {
      return true;
    }
    return h.matches("(0{0,4}:){2,7}0{0,3}1") || h.equals("::1");
  }

  static String shown(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
