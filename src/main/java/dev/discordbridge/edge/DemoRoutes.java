package dev.discordbridge.edge;

import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.DemoDropout;
import dev.discordbridge.bus.DemoDropoutOutcome;
import dev.discordbridge.bus.DemoRoster;
import dev.discordbridge.contract.Times;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo mode only (no GATEWAY_WS_URL: the embedded simulated hub runs): the roster, tokens for its
 * demo users (never for the simulated people) so that the page and curl can try the bridge, and a
 * one-step voice dropout for the signed-in user. These routes do not exist otherwise.
 */
final class DemoRoutes {
  static final long TOKEN_TTL_SECONDS = 12 * 3600;
  /**
   * Set beside the HttpOnly token cookie, with the same lifetime: not a secret (the signed-in
   * user's id), readable by the page so that a signed-out page asks for nothing that needs a token.
   */
  static final String SIGNED_IN_COOKIE = "bridge_demo_user";
  private static final Logger log = LoggerFactory.getLogger(DemoRoutes.class);

  private final Vertx vertx;
  private final Authenticator authenticator;

  DemoRoutes(Vertx vertx, Authenticator authenticator) {
    this.vertx = vertx;
    this.authenticator = authenticator;
  }

  void mount(Router router) {
    router.get("/api/demo/roster").handler(ctx -> roster().onComplete(ar -> {
      if (ar.failed()) {
        HttpErrors.write(ctx, 503, "SERVICE_UNAVAILABLE", "the simulated hub does not answer");
      } else {
        json(ctx, 200, ar.result());
      }
    }));
    router.get("/api/demo/token").handler(this::token);
    router.post("/api/demo/login").handler(this::login);
    router.post("/api/demo/dropout").handler(this::dropout);
    router.post("/api/demo/logout").handler(ctx -> {
      ctx.response().addCookie(cookie("", 0)).addCookie(signedInCookie("", 0));
      json(ctx, 200, new JsonObject().put("loggedOut", true));
    });
  }

  private Future<JsonObject> roster() {
    return vertx.eventBus().<DemoRoster>request(Addresses.DEMO_ROSTER, null, new DeliveryOptions().setSendTimeout(5_000))
        .map(m -> m.body().roster());
  }

  private void token(RoutingContext ctx) {
    issue(ctx, ctx.request().getParam("user")).onSuccess(issued -> {
      if ("raw".equals(ctx.request().getParam("format"))) {
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(issued.getString("token"));
      } else {
        json(ctx, 200, issued);
      }
    });
  }

  private void login(RoutingContext ctx) {
    ctx.request().pause();
    BodyReader.readJson(ctx, 4_096).onSuccess(body -> {
      if (!(body instanceof JsonObject o) || !(o.getValue("userId") instanceof String userId)) {
        HttpErrors.validation(ctx, "userId", "userId is required");
        return;
      }
      issue(ctx, userId).onSuccess(issued -> {
        ctx.response().addCookie(cookie(issued.getString("token"), TOKEN_TTL_SECONDS))
            .addCookie(signedInCookie(issued.getJsonObject("user").getString("id"), TOKEN_TTL_SECONDS));
        json(ctx, 200, issued);
      });
    });
  }

  /**
   * {@code POST /api/demo/dropout}: the signed-in demo user (token in the cookie or the header) is
   * put in a voice channel and, {@code dropsAt}, loses the connection there (CONTRACT reason
   * {@code disconnected}): the page's dropout dialog, on demand. 202 with the hub's reply.
   */
  private void dropout(RoutingContext ctx) {
    authenticator.authenticate(RequestCredentials.of(ctx.request())).onComplete(auth -> {
      if (auth.failed()) {
        StreamRoutes.unauthenticated(ctx, auth.cause());
        return;
      }
      String userId = auth.result().userId();
      vertx.eventBus().<DemoDropoutOutcome>request(Addresses.DEMO_DROPOUT, new DemoDropout(userId),
              new DeliveryOptions().setSendTimeout(5_000))
          .onSuccess(m -> dropoutAnswer(ctx, m.body()))
          .onFailure(err -> {
            log.warn("demo dropout for user {} failed: {}", userId, err.getMessage());
            dropoutAnswer(ctx, DemoDropoutOutcome.NOT_LINKED);
          });
    });
  }

  private static void dropoutAnswer(RoutingContext ctx, DemoDropoutOutcome outcome) {
    switch (outcome.status()) {
      case SCHEDULED -> json(ctx, 202, new JsonObject().put("guildId", outcome.guildId())
          .put("channelId", outcome.channelId()).put("channelName", outcome.channelName())
          .put("joined", outcome.joined()).put("dropsAt", outcome.dropsAt()));
      case NOT_A_DEMO_USER -> HttpErrors.write(ctx, 403, "FORBIDDEN", "only a demo user can have a demo dropout");
      case NOT_LINKED -> HttpErrors.write(ctx, 503, "SERVICE_UNAVAILABLE", "the simulated hub could not drop the connection now");
    }
  }

  /**
   * {@code {"token","user","guilds","expiresAt"}} for a demo user of the roster (default: the first),
   * never for one of the simulated people (the simulator speaks as them); answers errors itself.
   */
  private Future<JsonObject> issue(RoutingContext ctx, String userId) {
    return roster().recover(err -> {
      HttpErrors.write(ctx, 503, "SERVICE_UNAVAILABLE", "the simulated hub does not answer");
      return Future.failedFuture(new BodyReader.Answered());
    }).compose(roster -> {
      JsonArray users = roster.getJsonArray("users", new JsonArray());
      JsonObject user = null;
      for (Object u : users) {
        if (u instanceof JsonObject o && !o.getBoolean("simulated", false)
            && (userId == null || userId.equals(o.getString("id")))) {
          user = o;
          break;
        }
      }
      if (user == null) {
        HttpErrors.validation(ctx, "user", userId == null ? "the roster has no demo users"
            : "not a demo user of the roster (simulated people cannot sign in): see GET /api/demo/roster");
        return Future.failedFuture(new BodyReader.Answered());
      }
      JsonArray guilds = new JsonArray();
      roster.getJsonArray("guilds", new JsonArray()).forEach(g -> guilds.add(((JsonObject) g).getString("id")));
      String token = authenticator.mint(user.getString("id"), guilds.getList(), TOKEN_TTL_SECONDS);
      long expiresAt = System.currentTimeMillis() + TOKEN_TTL_SECONDS * 1000;
      return Future.succeededFuture(new JsonObject().put("token", token)
          .put("user", new JsonObject().put("id", user.getString("id")).put("username", user.getString("username")))
          .put("guilds", guilds).put("expiresAt", Times.format(expiresAt)));
    });
  }

  private static Cookie cookie(String value, long maxAgeSeconds) {
    return Cookie.cookie(Authenticator.COOKIE, value).setHttpOnly(true).setSameSite(CookieSameSite.STRICT)
        .setPath("/").setMaxAge(maxAgeSeconds);
  }

  private static Cookie signedInCookie(String userId, long maxAgeSeconds) {
    return Cookie.cookie(SIGNED_IN_COOKIE, userId).setHttpOnly(false).setSameSite(CookieSameSite.STRICT)
        .setPath("/").setMaxAge(maxAgeSeconds);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(HttpErrors.line(body));
  }
}
