package dev.discordbridge.stream;

import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.bus.Addresses;
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

/**
 * Demo mode only (no GATEWAY_WS_URL: the embedded simulated hub runs): the roster, and tokens for
 * its users so that the page and curl can try the bridge. These routes do not exist otherwise.
 */
final class DemoRoutes {
  static final long TOKEN_TTL_SECONDS = 12 * 3600;

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
    router.post("/api/demo/logout").handler(ctx -> {
      ctx.response().addCookie(cookie("", 0));
      json(ctx, 200, new JsonObject().put("loggedOut", true));
    });
  }

  private Future<JsonObject> roster() {
    return vertx.eventBus().<JsonObject>request(Addresses.DEMO_ROSTER, new JsonObject(), new DeliveryOptions().setSendTimeout(5_000))
        .map(m -> m.body());
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
        ctx.response().addCookie(cookie(issued.getString("token"), TOKEN_TTL_SECONDS));
        json(ctx, 200, issued);
      });
    });
  }

  /** {@code {"token","user","guilds","expiresAt"}} for a roster user (default: the first); answers errors itself. */
  private Future<JsonObject> issue(RoutingContext ctx, String userId) {
    return roster().recover(err -> {
      HttpErrors.write(ctx, 503, "SERVICE_UNAVAILABLE", "the simulated hub does not answer");
      return Future.failedFuture(new BodyReader.Answered());
    }).compose(roster -> {
      JsonArray users = roster.getJsonArray("users", new JsonArray());
      JsonObject user = null;
      for (Object u : users) {
        if (u instanceof JsonObject o && (userId == null || userId.equals(o.getString("id")))) {
          user = o;
          break;
        }
      }
      if (user == null) {
        HttpErrors.validation(ctx, "user", userId == null ? "the roster has no users" : "not a user of the demo roster");
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

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(body.encode());
  }
}
