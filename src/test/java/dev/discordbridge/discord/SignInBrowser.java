package dev.discordbridge.discord;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A browser as far as sign-in goes: it follows no redirect by itself (the test walks each hop),
 * keeps the cookies the bridge sets (a {@code Max-Age=0} removes one) and sends them back, and
 * remembers every raw {@code Set-Cookie} line so that tests can check the attributes.
 */
public final class SignInBrowser {
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();

  public final Map<String, String> cookies = new LinkedHashMap<>();
  public final List<String> setCookies = new ArrayList<>();

  public HttpResponse<String> get(String url) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).GET(), Map.of());
  }

  public HttpResponse<String> post(String url, Map<String, String> headers) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()), headers);
  }

  public HttpResponse<String> send(HttpRequest.Builder b, Map<String, String> headers) throws Exception {
    if (!cookies.isEmpty()) {
      b.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
          .collect(Collectors.joining("; ")));
    }
    headers.forEach(b::header);
    HttpResponse<String> r = HTTP.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    for (String line : r.headers().allValues("set-cookie")) {
      setCookies.add(line);
      String pair = line.split(";", 2)[0];
      int eq = pair.indexOf('=');
      String name = pair.substring(0, eq).trim();
      String value = pair.substring(eq + 1).trim();
      if (value.isEmpty() || line.toLowerCase().contains("max-age=0")) {
        cookies.remove(name);
      } else {
        cookies.put(name, value);
      }
    }
    return r;
  }

  /** The last {@code Set-Cookie} line for {@code name}, or null. */
  public String setCookie(String name) {
    String found = null;
    for (String line : setCookies) {
      if (line.startsWith(name + "=")) {
        found = line;
      }
    }
    return found;
  }
}
