package dev.discordbridge.discord.rest;

import io.vertx.core.http.HttpMethod;
import java.util.Objects;

/**
 * One REST request's place in Discord's rate limits. Discord limits per route and per
 * top-level resource (the "major parameter": a channel, a guild, or a webhook with its token),
 * so the route key keeps that parameter and replaces every other id: all reactions on all
 * messages of a channel share {@code PUT /channels/123/messages/:id/reactions/:emoji/@me}.
 *
 * @param method the HTTP method
 * @param path   the path under the API base, percent-encoded, starting with a slash
 * @param key    method and template with the major parameter kept
 * @param major  the top-level resource ({@code channels/123}), or empty when there is none
 */
public record RestRoute(HttpMethod method, String path, String key, String major) {

  public RestRoute {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(major, "major");
  }

  /** The route of {@code method path}; the query string, if any, is not part of the key. */
  public static RestRoute of(HttpMethod method, String path) {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("a route path starts with a slash: " + path);
    }
    int q = path.indexOf('?');
    String[] segments = (q < 0 ? path : path.substring(0, q)).substring(1).split("/", -1);
    StringBuilder key = new StringBuilder(method.name()).append(' ');
    String major = "";
    for (int i = 0; i < segments.length; i++) {
      String s = segments[i];
      String previous = i > 0 ? segments[i - 1] : "";
      String kept;
      if (i == 1 && isMajor(segments[0])) {
        kept = s;
        major = segments[0] + "/" + s;
      } else if (i == 2 && "webhooks".equals(segments[0]) && !isId(s)) {
        kept = s; // the webhook token is part of the webhook's major parameter
        major = major + "/" + s;
      } else if ("reactions".equals(previous)) {
        kept = ":emoji";
      } else if (isId(s)) {
        kept = ":id";
      } else {
        kept = s;
      }
      key.append('/').append(kept);
    }
    return new RestRoute(method, path, key.toString(), major);
  }

  private static boolean isMajor(String first) {
    return "channels".equals(first) || "guilds".equals(first) || "webhooks".equals(first);
  }

  private static boolean isId(String s) {
    if (s.isEmpty() || s.length() > 20) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    // a webhook's token is a secret too: print its place, not its value
    String[] m = major.split("/");
    return m.length == 3 ? key.replace("/" + m[2], "/:token") : key;
  }
}
