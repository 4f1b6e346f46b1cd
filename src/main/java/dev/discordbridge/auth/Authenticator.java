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
  /** AUTH_MAX_TOKEN_TTL_MS: a token living longer (exp - now, or exp - iat) is refused; 0 = no limit. */
  private final long maxTtlMs;

  public Authenticator(Vertx vertx, BridgeConfig.Auth config) {
    var key = new PubSecKeyOptions().setAlgorithm(config.jwtAlgorithm())
        .setBuffer("HS256".equals(config.jwtAlgorithm()) ? config.jwtSecret() : config.jwtPublicKey());
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(key)
        .setJWTOptions(new JWTOptions().setLeeway(5).setIgnoreExpiration(false)));
    this.allowQueryToken = config.allowQueryToken();
    this.canMint = "HS256".equals(config.jwtAlgorithm());
    this.maxTtlMs = config.maxTokenTtlMs();
  }

  /** A caller and what the token says about them on Discord ({@link Profile#NONE} when nothing). */
  public record Identity(Caller caller, Profile profile) {}

  /** The caller: the Authorization header first, then the cookie, then (if enabled) the query. */
  public Future<Caller> authenticate(Credentials credentials) {
    return identify(credentials).map(Identity::caller);
  }

  /** As {@link #authenticate}, with the profile claims of the token (for {@code GET /api/me}). */
  public Future<Identity> identify(Credentials credentials) {
    String header = credentials.authorization();
    if (header != null) {
      if (header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return Future.failedFuture(new AuthFailure("Authorization must be \"Bearer <token>\""));
      }
      return identity(header.substring(7).trim(), Caller.Via.HEADER);
    }
    String cookie = credentials.cookie();
    if (cookie != null && !cookie.isEmpty()) {
      return identity(cookie, Caller.Via.COOKIE);
    }
    if (allowQueryToken && credentials.query() != null) {
      return identity(credentials.query(), Caller.Via.QUERY);
    }
    return Future.failedFuture(new AuthFailure("a token is required (Authorization: Bearer, or the " + COOKIE + " cookie)"));
  }

  public Future<Caller> verify(String token, Caller.Via via) {
    return identity(token, via).map(Identity::caller);
  }

  private Future<Identity> identity(String token, Caller.Via via) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) {
      return Future.failedFuture(new AuthFailure("the token is missing or too long"));
    }
    if (hasCriticalExtensions(token)) {
      // RFC 7515 section 4.1.11: this verifier understands no extension, so any "crit" is unknown to it.
      return Future.failedFuture(new AuthFailure("the token is invalid or expired"));
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
            Caller caller = caller(claims, via, maxTtlMs);
            return Future.succeededFuture(new Identity(caller, Profile.of(caller.userId(), claims)));
          } catch (AuthFailure e) {
            return Future.failedFuture(e);
          }
        });
  }

  static Caller caller(JsonObject claims, Caller.Via via) {
    return caller(claims, via, 0);
  }

  /**
   * True when the token's header carries {@code crit} (or cannot be read: then the signature check
   * refuses it anyway). vertx-auth-jwt ignores {@code crit}; RFC 7515 requires refusing a token
   * whose critical extensions the recipient does not understand, and this one understands none.
   */
  static boolean hasCriticalExtensions(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return false;
    }
    try {
      byte[] header = java.util.Base64.getUrlDecoder().decode(token.substring(0, dot));
      Object parsed = io.vertx.core.json.Json.decodeValue(new String(header, java.nio.charset.StandardCharsets.UTF_8));
      return parsed instanceof JsonObject h && h.containsKey("crit");
    } catch (RuntimeException unreadable) {
      return false;
    }
  }

  static Caller caller(JsonObject claims, Caller.Via via, long maxTtlMs) {
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
    if (maxTtlMs > 0) {
      long expMs = exp.longValue() * 1000L;
      boolean tooLong = expMs - System.currentTimeMillis() > maxTtlMs
          || claims.getValue("iat") instanceof Number iat && expMs - iat.longValue() * 1000L > maxTtlMs;
      if (tooLong) {
        throw new AuthFailure("the token lives longer than this server accepts (AUTH_MAX_TOKEN_TTL_MS)");
      }
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
    return mint(userId, guilds, null, ttlSeconds, new JsonObject());
  }

  /** Issues an HS256 token narrowed to {@code channels} (null: no {@code channels} claim). */
  public String mint(String userId, List<String> guilds, List<String> channels, long ttlSeconds) {
    return mint(userId, guilds, channels, ttlSeconds, new JsonObject());
  }

  /** Issues an HS256 token with more claims beside {@code sub}, {@code guilds} and {@code exp} (Sign in with Discord: {@link Profile#claims}). */
  public String mint(String userId, List<String> guilds, long ttlSeconds, JsonObject extraClaims) {
    return mint(userId, guilds, null, ttlSeconds, extraClaims);
  }

  private String mint(String userId, List<String> guilds, List<String> channels, long ttlSeconds, JsonObject extraClaims) {
    if (!canMint) {
      throw new IllegalStateException("tokens can only be issued with an HS256 secret");
    }
    JsonObject claims = extraClaims.copy().put("sub", userId).put("guilds", new JsonArray(guilds));
    if (channels != null) {
      claims.put("channels", new JsonArray(channels));
    }
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) ttlSeconds));
  }
}
