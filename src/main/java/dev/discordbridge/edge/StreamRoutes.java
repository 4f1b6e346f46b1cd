package dev.discordbridge.edge;

import dev.discordbridge.auth.AuthFailure;
import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.auth.Caller;
import dev.discordbridge.edge.sse.ChannelViews;
import dev.discordbridge.edge.sse.Fanout;
import dev.discordbridge.edge.sse.StreamFilter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api/stream} and {@code GET /api/guilds/:guildId/voice}: authentication, filters, then the fan-out. */
final class StreamRoutes {
  /** Contract section 9: the refusal's reason when a guild is outside the caller's {@code guilds} claim. */
  private static final String GUILD_NOT_ALLOWED = "GUILD_NOT_ALLOWED";

  private final Context context;
  private final Authenticator authenticator;
  private final Fanout fanout;
  /** Direct mode with Discord's permissions: what each caller may view; null otherwise. */
  private final ChannelViews views;

  StreamRoutes(Context context, Authenticator authenticator, Fanout fanout, ChannelViews views) {
    this.context = context;
    this.authenticator = authenticator;
    this.fanout = fanout;
    this.views = views;
  }

  void stream(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    authenticator.authenticate(RequestCredentials.of(req)).onComplete(ar -> onLoop(() -> {
      if (ar.failed()) {
        unauthenticated(ctx, ar.cause());
        return;
      }
      if (ctx.response().closed()) {
        return;
      }
      Caller caller = ar.result();
      StreamFilter filter;
      try {
        filter = StreamFilter.of(caller, req.params().getAll("guild"), req.params().getAll("channel"),
            req.params().getAll("types"));
      } catch (StreamFilter.Forbidden e) {
        var error = HttpErrors.error("FORBIDDEN", e.getMessage()).put("reason", e.reason);
        if (e.permission != null) {
          error.put("permission", e.permission);
        }
        HttpErrors.write(ctx.response(), 403, error);
        return;
      } catch (StreamFilter.Invalid e) {
        HttpErrors.validation(ctx, e.field, e.getMessage());
        return;
      }
      String last = req.getHeader("Last-Event-ID");
      if (last == null || last.isBlank()) {
        last = req.getParam("lastEventId");
      }
      String lastId = last == null || last.isBlank() ? null : last;
      if (views == null) {
        fanout.open(req.connection(), ctx.response(), caller, filter, lastId);
        return;
      }
      // The caller's roles first (from the link holder): then the stream opens with its visible channels.
      views.viewsFor(caller.userId(), filter.guilds()).onComplete(v -> onLoop(() -> {
        if (!ctx.response().closed()) {
          fanout.open(req.connection(), ctx.response(), caller, filter, lastId, v.result());
        }
      }));
    }));
  }

  void voice(RoutingContext ctx) {
    String guildId = ctx.pathParam("guildId");
    authenticator.authenticate(RequestCredentials.of(ctx.request())).onComplete(ar -> onLoop(() -> {
      if (ar.failed()) {
        unauthenticated(ctx, ar.cause());
        return;
      }
      Caller caller = ar.result();
      if (!caller.mayRead(guildId)) {
        HttpErrors.write(ctx.response(), 403,
            HttpErrors.error("FORBIDDEN", "the token does not allow this guild").put("reason", GUILD_NOT_ALLOWED));
        return;
      }
      Future<java.util.Set<String>> visible = views == null ? Future.succeededFuture(null)
          : views.viewsFor(caller.userId(), java.util.Set.of(guildId)).map(m -> m.get(guildId));
      visible.onComplete(v -> onLoop(() -> {
        java.util.Set<String> seen = v.result();
        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
            .end(HttpErrors.line(fanout.voiceSnapshot(guildId, c -> caller.mayView(c) && (seen == null || seen.contains(c)))));
      }));
    }));
  }

  /**
   * {@code GET /api/me} (an addition to the contract): who the token says the caller is, so a
   * page whose token sits in an HttpOnly cookie knows its user and guilds.
   */
  void me(RoutingContext ctx) {
    authenticator.identify(RequestCredentials.of(ctx.request())).onComplete(ar -> {
      if (ar.failed()) {
        unauthenticated(ctx, ar.cause());
        return;
      }
      var caller = ar.result().caller();
      var profile = ar.result().profile();
      var body = new io.vertx.core.json.JsonObject()
          .put("userId", caller.userId())
          .put("guilds", new io.vertx.core.json.JsonArray(caller.guilds().stream().sorted().toList()))
          .put("expiresAt", dev.discordbridge.contract.Times.format(caller.expiresAtMillis()));
      // Contract section 9: the last three where known (Sign in with Discord puts them in the token).
      putIfKnown(body, "username", profile.username());
      putIfKnown(body, "displayName", profile.displayName());
      putIfKnown(body, "avatarUrl", profile.avatarUrl());
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .end(HttpErrors.line(body));
    });
  }

  private static void putIfKnown(io.vertx.core.json.JsonObject body, String key, String value) {
    if (value != null) {
      body.put(key, value);
    }
  }

  static void unauthenticated(RoutingContext ctx, Throwable cause) {
    String message = cause instanceof AuthFailure ? cause.getMessage() : "the token could not be verified";
    HttpErrors.write(ctx, 401, "UNAUTHENTICATED", message);
  }

  /** The fan-out is owned by this instance's event loop: continue there whatever thread completed auth. */
  private void onLoop(Runnable r) {
    if (Vertx.currentContext() == context) {
      r.run();
    } else {
      context.runOnContext(v -> r.run());
    }
  }
}
