package dev.discordbridge.auth;

import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Verifies browser tokens (CONTRACT section 4) with vertx-auth-jwt: HS256 with
 * {@code AUTH_JWT_SECRET}, or RS256/ES256 with {@code AUTH_JWT_PUBLIC_KEY}. Claims: {@code sub}
 * (a snowflake), {@code guilds} (array of snowflakes), {@code exp} (required), and the optional
 * {@code channels} (array of snowflakes: the only channels the caller may see and act in).
 */
public final class Authenticator {
  public static final String COOKIE = "bridge_token";
  public static final String QUERY_PARAM = "access_token";
  private static final int MAX_TOKEN_CHARS = 8_192;
  private static final int MAX_GUILDS = 1_000;
  private static final int MAX_CHANNELS = 1_000;

  private final JWTAuth jwt;
  private final boolean allowQueryToken;
  private final boolean canMint;

  public Authenticator(Vertx vertx, BridgeConfig.Auth config) {
    var key = new PubSecKeyOptions().setAlgorithm(config.jwtAlgorithm())
        .setBuffer("HS256".equals(config.jwtAlgorithm()) ? config.jwtSecret() : config.jwtPublicKey());
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(key)
        .setJWTOptions(new JWTOptions().setLeeway(5).setIgnoreExpiration(false)));
    this.allowQueryToken = config.allowQueryToken();
    this.canMint = "HS256".equals(config.jwtAlgorithm());
  }

  /** The caller: the Authorization header first, then the cookie, then (if enabled) the query. */
  public Future<Caller> authenticate(Credentials credentials) {
    String header = credentials.authorization();
    if (header != null) {
      if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return Future.failedFuture(new AuthFailure("Authorization must be \"Bearer <token>\""));
      }
      return verify(header.substring(7).trim(), Caller.Via.HEADER);
    }
    String cookie = credentials.cookie();
    if (cookie != null && !cookie.isEmpty()) {
      return verify(cookie, Caller.Via.COOKIE);
    }
    if (allowQueryToken && credentials.query() != null) {
      return verify(credentials.query(), Caller.Via.QUERY);
    }
    return Future.failedFuture(new AuthFailure("a token is required (Authorization: Bearer, or the " + COOKIE + " cookie)"));
  }

  public Future<Caller> verify(String token, Caller.Via via) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      return Future.failedFuture(new AuthFailure("the token is missing or too long"));
    }
    Future<User> verified;
    try {
      verified = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      // vertx-auth-jwt reads exp/nbf/iat as numbers and throws (ClassCastException) on another
      // type in a validly signed token, instead of failing the future: a bad token all the same.
      verified = Future.failedFuture(e);
    }
    return verified
        .recover(err -> Future.failedFuture(new AuthFailure("the token is invalid or expired")))
        .compose(user -> {
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
          try {
            return Future.succeededFuture(caller(claims, via));
          } catch (AuthFailure e) {
            return Future.failedFuture(e);
          }
        });
  }

  static Caller caller(JsonObject claims, Caller.Via via) {
    Object sub = claims.getValue("sub");
    if (!Ids.isSnowflake(sub)) {
      throw new AuthFailure("the token's sub must be a user id (snowflake)");
    }
    if (!(claims.getValue("exp") instanceof Number exp)) {
      throw new AuthFailure("the token must have an exp claim");
    }
    if (exp.longValue() * 1000L <= System.currentTimeMillis() - 5_000) {
      throw new AuthFailure("the token is invalid or expired");
    }
    if (!(claims.getValue("guilds") instanceof JsonArray guilds) || guilds.size() > MAX_GUILDS) {
      throw new AuthFailure("the token's guilds claim must be an array of guild ids");
    }
    Set<String> ids = new LinkedHashSet<>();
    for (Object g : guilds) {
      if (!Ids.isSnowflake(g)) {
        throw new AuthFailure("the token's guilds claim must be an array of guild ids");
      }
      ids.add((String) g);
    }
    return new Caller((String) sub, Set.copyOf(ids), channels(claims.getValue("channels")), exp.longValue(), via);
  }

  /** The optional {@code channels} claim: absent (null) means every channel of the guilds. */
  private static Set<String> channels(Object claim) {
    if (claim == null) {
      return null;
    }
    if (!(claim instanceof JsonArray list) || list.size() > MAX_CHANNELS) {
      throw new AuthFailure("the token's channels claim must be an array of at most " + MAX_CHANNELS + " channel ids");
    }
    Set<String> ids = new LinkedHashSet<>();
    for (Object c : list) {
      if (!Ids.isSnowflake(c)) {
        throw new AuthFailure("the token's channels claim must be an array of channel ids");
      }
      ids.add((String) c);
    }
    return Set.copyOf(ids);
  }

  /** Issues an HS256 token (demo mode and tests only). */
  public String mint(String userId, List<String> guilds, long ttlSeconds) {
    return mint(userId, guilds, null, ttlSeconds);
  }

  /** Issues an HS256 token narrowed to {@code channels} (null: no {@code channels} claim). */
  public String mint(String userId, List<String> guilds, List<String> channels, long ttlSeconds) {
    if (!canMint) {
      throw new IllegalStateException("tokens can only be issued with an HS256 secret");
    }
    JsonObject claims = new JsonObject().put("sub", userId).put("guilds", new JsonArray(guilds));
    if (channels != null) {
      claims.put("channels", new JsonArray(channels));
    }
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) ttlSeconds));
  }
}
