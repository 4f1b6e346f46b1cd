package dev.discordbridge.discord;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Discord's OAuth2 endpoints as topics/oauth2.mdx describes them, served by the fake REST server
 * ({@link FakeDiscordRest#oauth}): the authorize page ({@code GET /oauth2/authorize}, which a
 * browser would show; here it approves at once and redirects back with a code, or with
 * {@code error=access_denied} when {@link #deny} is on), the token endpoint
 * ({@code POST /api/v10/oauth2/token}: client authentication by HTTP Basic, a single-use code
 * bound to its redirect URI and PKCE challenge, S256 checked), revocation, and
 * {@code GET /api/v10/users/@me} and {@code /users/@me/guilds} with the user's bearer token.
 * Handlers run on the server's context; the test thread uses the synchronized methods.
 */
public final class FakeDiscordOAuth {
  /** A code handed out by the authorize page: bound to its redirect URI and PKCE challenge. */
  private record Grant(String redirectUri, String challenge, String scope) {}

  private final String clientId;
  private final String clientSecret;
  private final String redirectUri;
  private final Map<String, Grant> codes = new HashMap<>();
  private final Set<String> accessTokens = new HashSet<>();
  private final List<String> issued = new ArrayList<>();
  private final List<String> revoked = new ArrayList<>();
  private final List<String> seen = new ArrayList<>();
  private JsonObject user = new JsonObject();
  private JsonArray guilds = new JsonArray();
  private boolean deny;
  private int downStatus;

  public FakeDiscordOAuth(String clientId, String clientSecret, String redirectUri) {
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.redirectUri = redirectUri;
  }

  // ---- configuration and observations (test thread) ----

  /** The user who signs in, and the guilds Discord lists for them. */
  public synchronized FakeDiscordOAuth user(String id, String username, String globalName, String avatar, List<String> guildIds) {
    user = new JsonObject().put("id", id).put("username", username).put("global_name", globalName)
        .put("avatar", avatar).put("discriminator", "0");
    guilds = new JsonArray();
    for (String g : guildIds) {
      guilds.add(new JsonObject().put("id", g).put("name", "guild " + g).put("icon", null).put("owner", false)
          .put("permissions", "104324673"));
    }
    return this;
  }

  /** The user presses "Cancel" on the authorize page. */
  public synchronized void deny(boolean on) {
    deny = on;
  }

  /** Every API endpoint answers {@code status} (0: back up): Discord is down. */
  public synchronized void down(int status) {
    downStatus = status;
  }

  /** Every code, access and refresh token handed out so far: none may appear in the bridge's logs. */
  public synchronized List<String> secretsIssued() {
    return List.copyOf(issued);
  }

  public synchronized List<String> revoked() {
    return List.copyOf(revoked);
  }

  /** "METHOD path" of every request this fake answered. */
  public synchronized List<String> seen() {
    return List.copyOf(seen);
  }

  // ---- the server (its context) ----

  public static boolean handles(HttpServerRequest req) {
    String p = req.path();
    String auth = req.getHeader(HttpHeaders.AUTHORIZATION);
    return p.equals("/oauth2/authorize") || p.startsWith("/api/v10/oauth2/")
        || (p.startsWith("/api/v10/users/@me") && auth != null && auth.startsWith("Bearer "));
  }

  public synchronized void handle(HttpServerRequest req, Buffer body) {
    String p = req.path();
    seen.add(req.method().name() + " " + p);
    HttpServerResponse res = req.response();
    if (p.equals("/oauth2/authorize")) {
      authorize(req, res);
      return;
    }
    if (downStatus > 0) {
      json(res, downStatus, new JsonObject().put("message", "Service Unavailable").put("code", 0));
      return;
    }
    switch (req.method().name() + " " + p) {
      case "POST /api/v10/oauth2/token" -> token(req, form(body), res);
      case "POST /api/v10/oauth2/token/revoke" -> revoke(req, form(body), res);
      case "GET /api/v10/users/@me" -> withUser(req, res, user);
      case "GET /api/v10/users/@me/guilds" -> withUser(req, res, guilds);
      default -> json(res, 404, new JsonObject().put("message", "404: Not Found").put("code", 0));
    }
  }

  private void authorize(HttpServerRequest req, HttpServerResponse res) {
    String redirect = req.getParam("redirect_uri");
    String scope = req.getParam("scope");
    if (!clientId.equals(req.getParam("client_id")) || !redirectUri.equals(redirect)
        || !"code".equals(req.getParam("response_type")) || scope == null
        || !Set.of(scope.split(" ")).containsAll(Set.of("identify", "guilds"))
        || !"S256".equals(req.getParam("code_challenge_method")) || req.getParam("code_challenge") == null
        || req.getParam("state") == null) {
      json(res, 400, new JsonObject().put("error", "invalid_request"));
      return;
    }
    String state = URLEncoder.encode(req.getParam("state"), StandardCharsets.UTF_8);
    if (deny) {
      res.setStatusCode(302).putHeader(HttpHeaders.LOCATION, redirect + "?error=access_denied&state=" + state).end();
      return;
    }
    String code = "code-" + UUID.randomUUID();
    codes.put(code, new Grant(redirect, req.getParam("code_challenge"), scope));
    issued.add(code);
    res.setStatusCode(302).putHeader(HttpHeaders.LOCATION, redirect + "?code=" + code + "&state=" + state).end();
  }

  private void token(HttpServerRequest req, MultiMap form, HttpServerResponse res) {
    if (!clientAuthenticated(req)) {
      json(res, 401, new JsonObject().put("error", "invalid_client"));
      return;
    }
    if (!String.valueOf(req.getHeader(HttpHeaders.CONTENT_TYPE)).startsWith("application/x-www-form-urlencoded")
        || !"authorization_code".equals(form.get("grant_type"))) {
      json(res, 400, new JsonObject().put("error", "unsupported_grant_type"));
      return;
    }
    Grant grant = codes.remove(String.valueOf(form.get("code"))); // single use, whatever happens next
    if (grant == null || !grant.redirectUri().equals(form.get("redirect_uri"))
        || form.get("code_verifier") == null || !grant.challenge().equals(s256(form.get("code_verifier")))) {
      json(res, 400, new JsonObject().put("error", "invalid_grant"));
      return;
    }
    String access = "access-" + UUID.randomUUID();
    String refresh = "refresh-" + UUID.randomUUID();
    accessTokens.add(access);
    issued.add(access);
    issued.add(refresh);
    json(res, 200, new JsonObject().put("access_token", access).put("token_type", "Bearer").put("expires_in", 604800)
        .put("refresh_token", refresh).put("scope", grant.scope()));
  }

  private void revoke(HttpServerRequest req, MultiMap form, HttpServerResponse res) {
    if (!clientAuthenticated(req)) {
      json(res, 401, new JsonObject().put("error", "invalid_client"));
      return;
    }
    String token = form.get("token");
    accessTokens.remove(token);
    revoked.add(token);
    json(res, 200, new JsonObject());
  }

  private void withUser(HttpServerRequest req, HttpServerResponse res, Object answer) {
    String token = req.getHeader(HttpHeaders.AUTHORIZATION).substring("Bearer ".length());
    if (!accessTokens.contains(token)) {
      json(res, 401, new JsonObject().put("message", "401: Unauthorized").put("code", 0));
      return;
    }
    res.setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(answer instanceof JsonArray a ? a.encode() : ((JsonObject) answer).encode());
  }

  private boolean clientAuthenticated(HttpServerRequest req) {
    String expected = "Basic " + Base64.getEncoder().encodeToString(
        (clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8));
    return expected.equals(req.getHeader(HttpHeaders.AUTHORIZATION));
  }

  private static MultiMap form(Buffer body) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap();
    for (String pair : body.toString(StandardCharsets.UTF_8).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.add(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  public static String s256(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void json(HttpServerResponse res, int status, JsonObject body) {
    res.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
  }
}
