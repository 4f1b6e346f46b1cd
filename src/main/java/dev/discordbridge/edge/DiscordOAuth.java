package dev.discordbridge.edge;

import dev.discordbridge.config.SignInConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The bridge's side of Discord's OAuth2 authorization code grant (topics/oauth2.mdx): the code
 * exchanged at {@code {DISCORD_API_BASE}/oauth2/token} (form-encoded, the client authenticated by
 * HTTP Basic), the user read from {@code /users/@me} and {@code /users/@me/guilds} with their
 * access token, then that token revoked. The user's tokens live in one request's futures and are
 * never logged, stored or put on the bus; failures name no token.
 */
final class DiscordOAuth {
  /** Discord refused the code (400/401 from the token endpoint): a bad, spent or foreign code, or a wrong verifier. */
  static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** Discord did not answer usefully (down, 5xx, 429, a timeout, an unreadable body). */
  static final class Unavailable extends RuntimeException {
    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  /** The user's tokens; {@link #toString} hides them. */
  record Tokens(String accessToken, String refreshToken) {
    @Override
    public String toString() {
      return "Tokens[hidden]";
    }
  }

  /** The signed-in user, from {@code /users/@me}. */
  record DiscordUser(String id, String username, String globalName, String avatar) {}

  private static final long TIMEOUT_MS = 10_000;
  private final WebClient client;
  private final String apiBase;
  private final String basicAuth;
  private final String redirectUri;

  DiscordOAuth(Vertx vertx, URI apiBase, SignInConfig config) {
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgentEnabled(false).setFollowRedirects(false)
        .setConnectTimeout(5_000));
    this.apiBase = apiBase.toString();
    // RFC 6749 section 2.3.1: id and secret form-encoded, then joined and base64'd.
    this.basicAuth = "Basic " + Base64.getEncoder().encodeToString((URLEncoder.encode(config.clientId(), StandardCharsets.UTF_8)
        + ":" + URLEncoder.encode(config.clientSecret(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
    this.redirectUri = config.redirectUri();
  }

  Future<Tokens> exchange(String code, String verifier) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "authorization_code").add("code", code)
        .add("redirect_uri", redirectUri).add("code_verifier", verifier);
    return post("/oauth2/token", form).compose(r -> {
      if (r.statusCode() == 400 || r.statusCode() == 401) {
        return Future.failedFuture(new Refused("Discord refused the code (HTTP " + r.statusCode() + " "
            + errorCode(r) + ")"));
      }
      JsonObject body = json(r);
      if (r.statusCode() != 200 || body == null || !(body.getValue("access_token") instanceof String access)
          || access.isEmpty()) {
        return Future.failedFuture(new Unavailable("the token endpoint answered HTTP " + r.statusCode()));
      }
      return Future.succeededFuture(new Tokens(access, body.getString("refresh_token")));
    });
  }

  Future<DiscordUser> user(Tokens tokens) {
    return get("/users/@me", tokens).compose(r -> {
      JsonObject u = json(r);
      if (r.statusCode() != 200 || u == null || !(u.getValue("id") instanceof String id) || !id.matches("[0-9]{17,20}")
          || !(u.getValue("username") instanceof String username)) {
        return Future.failedFuture(new Unavailable("/users/@me answered HTTP " + r.statusCode()));
      }
      return Future.succeededFuture(new DiscordUser(id, username,
          u.getValue("global_name") instanceof String g ? g : null, u.getValue("avatar") instanceof String a ? a : null));
    });
  }

  /** The ids of the user's guilds (one page of 200: Discord's most for one user). */
  Future<List<String>> guilds(Tokens tokens) {
    return get("/users/@me/guilds?limit=200", tokens).compose(r -> {
      JsonArray list = null;
      try {
        list = r.statusCode() == 200 ? r.bodyAsJsonArray() : null;
      } catch (RuntimeException e) {
        // answered below
      }
      if (list == null) {
        return Future.failedFuture(new Unavailable("/users/@me/guilds answered HTTP " + r.statusCode()));
      }
      List<String> ids = new ArrayList<>();
      for (Object g : list) {
        if (g instanceof JsonObject o && o.getValue("id") instanceof String id && id.matches("[0-9]{17,20}")) {
          ids.add(id);
        }
      }
      return Future.succeededFuture(ids);
    });
  }

  /** Revokes the grant (its access token); the bridge keeps nothing of it either way. */
  Future<Void> revoke(Tokens tokens) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("token", tokens.accessToken())
        .add("token_type_hint", "access_token");
    return post("/oauth2/token/revoke", form).compose(r -> r.statusCode() == 200 ? Future.<Void>succeededFuture()
        : Future.failedFuture(new Unavailable("the revoke endpoint answered HTTP " + r.statusCode())));
  }

  Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }

  private Future<HttpResponse<Buffer>> post(String path, MultiMap form) {
    return client.requestAbs(HttpMethod.POST, apiBase + path).putHeader("Authorization", basicAuth)
        .timeout(TIMEOUT_MS).sendForm(form)
        .recover(err -> Future.failedFuture(new Unavailable("Discord did not answer " + path + ": " + err.getClass().getSimpleName())));
  }

  private Future<HttpResponse<Buffer>> get(String path, Tokens tokens) {
    return client.requestAbs(HttpMethod.GET, apiBase + path).putHeader("Authorization", "Bearer " + tokens.accessToken())
        .timeout(TIMEOUT_MS).send()
        .recover(err -> Future.failedFuture(new Unavailable("Discord did not answer " + path + ": " + err.getClass().getSimpleName())));
  }

  private static JsonObject json(HttpResponse<Buffer> r) {
    try {
      return r.bodyAsJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** OAuth2's {@code error} code of a refusal (e.g. invalid_grant): Discord's words, never the code or a token. */
  private static String errorCode(HttpResponse<Buffer> r) {
    JsonObject body = json(r);
    return body != null && body.getValue("error") instanceof String e && e.matches("[a-z_]{1,40}") ? e : "";
  }
}
