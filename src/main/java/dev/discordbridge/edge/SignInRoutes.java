package dev.discordbridge.edge;

import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.auth.OriginPolicy;
import dev.discordbridge.auth.Profile;
import dev.discordbridge.auth.SignInState;
import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BotGuilds;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.config.SignInConfig;
import dev.discordbridge.ops.LogThrottle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign in with Discord (contract section 9): {@code GET /auth/discord/login},
 * {@code GET /auth/discord/callback}, and, in every mode, {@code POST /auth/logout} and
 * {@code GET /auth/methods} (what the page offers). The state is bound to the browser by a
 * signed cookie ({@link SignInState}), so login and callback may reach different nodes; each
 * state is used once, recorded in a cluster-wide map (Vert.x shared data: Hazelcast in a cluster)
 * until it would have expired anyway.
 */
final class SignInRoutes {
  static final String STATE_COOKIE = "bridge_signin";
  static final String LOGIN_PATH = "/auth/discord/login";
  private static final String COOKIE_PATH = "/auth/discord";
  private static final String USED_STATES = "bridge.signin.used-states";
  private static final int MAX_PARAM_CHARS = 512;
  private static final Logger log = LoggerFactory.getLogger(SignInRoutes.class);

  /** A refusal the browser gets: status, {@code reason}, message. */
  private static final class Refusal extends RuntimeException {
    final int status;
    final String reason;

    Refusal(int status, String reason, String message) {
      super(message, null, false, false);
      this.status = status;
      this.reason = reason;
    }
  }

  private final Vertx vertx;
  private final SignInConfig config;
  private final Authenticator authenticator;
  private final OriginPolicy origins;
  private final SignInState states;
  private final DiscordOAuth discord;
  private final LogThrottle refusals = new LogThrottle(5);

  /** @param config the sign-in settings, or null: then only logout and the methods answer */
  SignInRoutes(Vertx vertx, BridgeConfig config, Authenticator authenticator, OriginPolicy origins) {
    this.vertx = vertx;
    this.config = config.signIn();
    this.authenticator = authenticator;
    this.origins = origins;
    this.states = this.config == null ? null : new SignInState(config.auth().jwtSecret(), this.config.stateTtlMs());
    this.discord = this.config == null ? null : new DiscordOAuth(vertx, config.discord().apiBase(), this.config);
  }

  void mount(Router router) {
    router.get("/auth/methods").handler(this::methods);
    router.post("/auth/logout").handler(this::logout);
    if (config != null) {
      router.get(LOGIN_PATH).handler(this::login);
      router.get(SignInConfig.CALLBACK_PATH).handler(this::callback);
    }
  }

  Future<Void> close() {
    return discord == null ? Future.succeededFuture() : discord.close();
  }

  /** {@code {"discord": "/auth/discord/login"}} when Sign in with Discord is on, {@code {}} otherwise. */
  private void methods(RoutingContext ctx) {
    json(ctx.response(), config == null ? new JsonObject() : new JsonObject().put("discord", LOGIN_PATH)
        .put("logout", "/auth/logout"));
  }

  private void login(RoutingContext ctx) {
    SignInState.Issued issued = states.issue(System.currentTimeMillis());
    Map<String, String> q = new LinkedHashMap<>();
    q.put("response_type", "code");
    q.put("client_id", config.clientId());
    q.put("scope", "identify guilds");
    q.put("state", issued.state());
    q.put("redirect_uri", config.redirectUri());
    q.put("code_challenge", issued.codeChallenge());
    q.put("code_challenge_method", "S256");
    String url = config.authorizeUrl() + "?" + q.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8).replace("+", "%20"))
        .collect(Collectors.joining("&"));
    ctx.response().addCookie(cookie(STATE_COOKIE, issued.cookie(), COOKIE_PATH, CookieSameSite.LAX,
            Math.max(1, config.stateTtlMs() / 1000)))
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader(HttpHeaders.LOCATION, url).setStatusCode(302).end();
  }

  private void callback(RoutingContext ctx) {
    String traceId = HttpErrors.traceId(ctx);
    Cookie c = ctx.request().getCookie(STATE_COOKIE);
    String stateCookie = c == null || c.getValue().isEmpty() ? null : c.getValue();
    // The state cookie is spent whatever happens: a new attempt starts at the login. (Read it
    // first: Vert.x answers getCookie from the response's cookies too.) The URL holds the code:
    // no page reached from here is told it.
    ctx.response().addCookie(cookie(STATE_COOKIE, "", COOKIE_PATH, CookieSameSite.LAX, 0))
        .putHeader("Referrer-Policy", "no-referrer");
    verifiedState(ctx, stateCookie)
        .compose(state -> useOnce(state, SignInState.expiresAt(stateCookie)).map(state))
        .compose(state -> {
          String code = param(ctx, "code");
          if (code == null) {
            return Future.failedFuture(new Refusal(400, "CODE_MISSING", "the callback has no code"));
          }
          return discord.exchange(code, states.verifier(state));
        })
        .compose(tokens -> Future.all(discord.user(tokens), discord.guilds(tokens)
                .compose(this::botGuilds))
            .eventually(() -> revoke(tokens, traceId)))
        .onSuccess(all -> signIn(ctx, all.resultAt(0), all.resultAt(1), traceId))
        .onFailure(err -> refuse(ctx, err, traceId));
  }

  /** The callback's state when it is this browser's, signed here, in time; else a refusal. */
  private Future<String> verifiedState(RoutingContext ctx, String cookie) {
    String state = param(ctx, "state");
    if (state == null || cookie == null) {
      return Future.failedFuture(new Refusal(400, "STATE_MISSING", state == null
          ? "the callback has no state: start again at " + LOGIN_PATH
          : "this browser holds no sign-in state (cookies off, or the sign-in began elsewhere): start again at " + LOGIN_PATH));
    }
    return switch (states.check(cookie, state, System.currentTimeMillis())) {
      case VALID -> param(ctx, "error") != null
          ? Future.failedFuture(new Refusal(400, "ACCESS_DENIED", "the sign-in was cancelled at Discord"))
          : Future.succeededFuture(state);
      case FORGED -> Future.failedFuture(new Refusal(400, "STATE_UNKNOWN", "the sign-in state is not one this bridge issued"));
      case MISMATCH -> Future.failedFuture(new Refusal(400, "STATE_MISMATCH",
          "the sign-in state belongs to another browser: start again at " + LOGIN_PATH));
      case EXPIRED -> Future.failedFuture(new Refusal(400, "STATE_EXPIRED", "the sign-in took too long: start again at " + LOGIN_PATH));
    };
  }

  /** Records the state as used, cluster-wide, until it expires; fails when it was used before. */
  private Future<Void> useOnce(String state, long expiresAtMs) {
    long ttl = Math.max(1, expiresAtMs - System.currentTimeMillis() + 1_000);
    return vertx.sharedData().<String, Boolean>getAsyncMap(USED_STATES)
        .compose((AsyncMap<String, Boolean> used) -> used.putIfAbsent(state, Boolean.TRUE, ttl))
        .compose(before -> before == null ? Future.<Void>succeededFuture()
            : Future.failedFuture(new Refusal(400, "STATE_REPLAYED", "this sign-in state was already used")));
  }

  /** Which of the user's guilds the bot is in, from this node's channel directory. */
  private Future<List<String>> botGuilds(List<String> userGuilds) {
    return vertx.eventBus().<BotGuilds>request(Addresses.DISCORD_GUILDS_QUERY, new BotGuilds.Query(userGuilds),
            new DeliveryOptions().setLocalOnly(true).setSendTimeout(10_000))
        .map(m -> m.body().guildIds())
        .recover(err -> Future.failedFuture(new Refusal(503, "GUILDS_UNKNOWN",
            "the bridge cannot tell the bot's guilds right now: try again in a moment")));
  }

  /** Revokes the user's grant in the background (the answer does not wait for it). */
  private Future<Void> revoke(DiscordOAuth.Tokens tokens, String traceId) {
    discord.revoke(tokens).onFailure(err -> {
      long suppressed = refusals.acquire(System.currentTimeMillis());
      if (suppressed >= 0) {
        log.info("[trace {}] sign-in: revoking the user's Discord token failed ({}); it expires on its own",
            traceId, err.getMessage());
      }
    });
    return Future.succeededFuture();
  }

  private void signIn(RoutingContext ctx, DiscordOAuth.DiscordUser user, List<String> guilds, String traceId) {
    long ttlSeconds = config.sessionTtlMs() / 1000;
    String token = authenticator.mint(user.id(), guilds, ttlSeconds,
        Profile.claims(user.username(), user.globalName(), user.avatar()));
    log.info("[trace {}] user {} signed in with Discord ({} guild(s) shared with the bot)", traceId, user.id(), guilds.size());
    ctx.response().addCookie(cookie(Authenticator.COOKIE, token, "/", CookieSameSite.STRICT, ttlSeconds))
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader(HttpHeaders.LOCATION, "/").setStatusCode(302).end();
  }

  private void refuse(RoutingContext ctx, Throwable err, String traceId) {
    Refusal r = err instanceof Refusal x ? x
        : err instanceof DiscordOAuth.Refused ? new Refusal(400, "CODE_REFUSED", "Discord refused the authorization code")
        : err instanceof DiscordOAuth.Unavailable ? new Refusal(502, "DISCORD_UNAVAILABLE",
            "Discord did not answer the sign-in: try again in a moment")
        : new Refusal(500, "INTERNAL", "the sign-in failed");
    long suppressed = refusals.acquire(System.currentTimeMillis());
    if (suppressed >= 0) {
      String more = suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : "";
      if (r.status == 500) {
        log.error("[trace {}] sign-in failed: {}{}", traceId, err.toString(), more);
      } else {
        log.info("[trace {}] sign-in refused: {} ({}){}", traceId, r.reason,
            err instanceof Refusal ? r.getMessage() : err.getMessage(), more);
      }
    }
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
    if (accept != null && accept.contains("text/html")) {
      page(ctx.response(), r);
    } else {
      HttpErrors.write(ctx.response(), r.status, HttpErrors.error("SIGN_IN_FAILED", r.getMessage()).put("reason", r.reason));
    }
  }

  /** A browser that lands on a refusal gets a page that says what happened and offers a new attempt. */
  private static void page(HttpServerResponse res, Refusal r) {
    if (res.ended() || res.closed()) {
      return;
    }
    String message = r.getMessage().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    res.setStatusCode(r.status).putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sign-in failed</title></head><body>"
            + "<h1>Sign-in failed</h1><p>" + message + " (" + r.reason + ")</p>"
            + "<p><a href=\"" + LOGIN_PATH + "\">Sign in with Discord again</a> · <a href=\"/\">Back</a></p></body></html>");
  }

  /** {@code POST /auth/logout}: clears {@code bridge_token}; cross-site requests are refused (contract section 4). */
  private void logout(RoutingContext ctx) {
    if (origins.refusesCrossSite(RequestCredentials.site(ctx.request()))) {
      HttpErrors.write(ctx, 403, "FORBIDDEN", "cross-site requests authenticated by cookie are refused");
      return;
    }
    ctx.response().addCookie(cookie(Authenticator.COOKIE, "", "/", CookieSameSite.STRICT, 0))
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").setStatusCode(204).end();
  }

  private Cookie cookie(String name, String value, String path, CookieSameSite sameSite, long maxAgeSeconds) {
    return Cookie.cookie(name, value).setPath(path).setHttpOnly(true).setSameSite(sameSite)
        .setSecure(config != null && config.secureCookies()).setMaxAge(maxAgeSeconds);
  }

  /** A query parameter, or null when absent, empty, too long or undecodable. */
  private static String param(RoutingContext ctx, String name) {
    try {
      String v = ctx.request().getParam(name);
      return v == null || v.isEmpty() || v.length() > MAX_PARAM_CHARS ? null : v;
    } catch (IllegalArgumentException malformed) {
      return null;
    }
  }

  private static void json(HttpServerResponse res, JsonObject body) {
    res.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.encode());
  }
}
