package dev.discordbridge.edge;

import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.auth.Credentials;
import dev.discordbridge.auth.SiteHeaders;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/** Reads what the (HTTP-free) auth package decides on out of a request: the edge's half of auth. */
final class RequestCredentials {
  private RequestCredentials() {}

  /**
   * The token sources of {@code request}, in the order the authenticator tries them: the
   * Authorization header, then the cookie, then the query (read only when neither is there).
   */
  static Credentials of(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.AUTHORIZATION);
    Cookie cookie = header == null ? request.getCookie(Authenticator.COOKIE) : null;
    String value = cookie == null ? null : cookie.getValue();
    boolean readQuery = header == null && (value == null || value.isEmpty());
    return new Credentials(header, value, readQuery ? query(request) : null);
  }

  private static String query(HttpServerRequest request) {
    try {
      return request.getParam(Authenticator.QUERY_PARAM);
    } catch (IllegalArgumentException malformed) {
      return null; // a query Vert.x cannot decode carries no token
    }
  }

  /** The headers that tell which site {@code request} comes from. */
  static SiteHeaders site(HttpServerRequest request) {
    return new SiteHeaders(request.getHeader(HttpHeaders.ORIGIN), request.getHeader("Sec-Fetch-Site"),
        request.getHeader(HttpHeaders.HOST));
  }
}
