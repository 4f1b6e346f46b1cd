package dev.discordbridge.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {
  private static SiteHeaders request(String... headers) {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < headers.length; i += 2) {
      map.add(headers[i], headers[i + 1]);
    }
    return new SiteHeaders(map.get("Origin"), map.get("Sec-Fetch-Site"), map.get("Host"));
  }

  private final OriginPolicy policy = new OriginPolicy(List.of("https://app.example.com"));

  @Test
  void sameOriginAndNoOriginPass() {
    assertFalse(policy.refusesCrossSite(request("Host", "bridge.example.com")));
    assertFalse(policy.refusesCrossSite(request("Host", "bridge.example.com", "Origin", "https://bridge.example.com")));
    assertFalse(policy.refusesCrossSite(request("Host", "bridge.example.com", "Sec-Fetch-Site", "same-origin")));
  }

  @Test
  void crossSiteIsRefusedUnlessAllowed() {
    assertTrue(policy.refusesCrossSite(request("Host", "bridge.example.com", "Origin", "https://evil.example.net")));
    assertTrue(policy.refusesCrossSite(request("Host", "bridge.example.com", "Sec-Fetch-Site", "cross-site")));
    assertTrue(policy.refusesCrossSite(request("Host", "bridge.example.com", "Origin", "null")));
    assertFalse(policy.refusesCrossSite(request("Host", "bridge.example.com", "Origin", "https://app.example.com",
        "Sec-Fetch-Site", "cross-site")));
  }
}
