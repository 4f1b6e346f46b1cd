package dev.discordbridge.auth;

import java.util.List;

/**
 * CONTRACT section 4: a state-changing request authenticated by cookie, or a WebSocket upgrade,
 * is refused when {@code Sec-Fetch-Site} or {@code Origin} says cross-site and the origin is not
 * on {@code ALLOWED_ORIGINS}.
 */
public final class OriginPolicy {
  private final List<String> allowedOrigins;

  public OriginPolicy(List<String> allowedOrigins) {
    this.allowedOrigins = List.copyOf(allowedOrigins);
  }

  public boolean allowed(String origin) {
    return origin != null && allowedOrigins.contains(origin);
  }

  /** True when the request comes from another site whose origin is not allowed. */
  public boolean refusesCrossSite(SiteHeaders site) {
    String origin = site.origin();
    String fetchSite = site.fetchSite();
    boolean crossSite = "cross-site".equalsIgnoreCase(fetchSite)
        || (origin != null && !sameOrigin(origin, site.host()) && !"same-origin".equalsIgnoreCase(fetchSite));
    return crossSite && !allowed(origin);
  }

  static boolean sameOrigin(String origin, String host) {
    if (host == null || "null".equals(origin)) {
      return false;
    }
    int scheme = origin.indexOf("://");
    return scheme > 0 && origin.substring(scheme + 3).equalsIgnoreCase(host);
  }
}
