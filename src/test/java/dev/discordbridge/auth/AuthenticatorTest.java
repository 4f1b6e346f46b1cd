package dev.discordbridge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
  static final String SECRET = "0123456789abcdef0123456789abcdef-test";
  static final String USER = "112233445566778899";
  static final String GUILD = "223344556677889900";
  static Vertx vertx;
  static Authenticator auth;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    auth = new Authenticator(vertx, new BridgeConfig.Auth(SECRET, null, "HS256", false, false));
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  private static String sign(String secret, JsonObject claims, JWTOptions options) {
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(
        new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))).generateToken(claims, options);
  }

  @Test
  void validTokenYieldsCaller() {
    Caller c = auth.verify(auth.mint(USER, List.of(GUILD), 60), Caller.Via.HEADER).await();
    assertEquals(USER, c.userId());
    assertEquals(Set.of(GUILD), c.guilds());
    assertTrue(c.expiresAtSeconds() > System.currentTimeMillis() / 1000);
  }

  @Test
  void tokenWithoutExpIsRefused() {
    String token = sign(SECRET, new JsonObject().put("sub", USER).put("guilds", new JsonArray().add(GUILD)),
        new JWTOptions().setAlgorithm("HS256"));
    var err = assertThrows(Exception.class, () -> auth.verify(token, Caller.Via.HEADER).await());
    assertInstanceOf(AuthFailure.class, err);
  }

  @Test
  void expiredTokenIsRefused() {
    long past = System.currentTimeMillis() / 1000 - 120;
    String token = sign(SECRET, new JsonObject().put("sub", USER).put("guilds", new JsonArray().add(GUILD))
        .put("exp", past), new JWTOptions().setAlgorithm("HS256"));
    assertThrows(AuthFailure.class, () -> auth.verify(token, Caller.Via.HEADER).await());
  }

  @Test
  void wrongSecretIsRefused() {
    String token = sign("another-secret-another-secret-xxxx", new JsonObject().put("sub", USER)
        .put("guilds", new JsonArray().add(GUILD)), new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(60));
    assertThrows(AuthFailure.class, () -> auth.verify(token, Caller.Via.HEADER).await());
  }

  @Test
  void unsignedTokenIsRefused() {
    String header = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
    String body = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(new JsonObject().put("sub", USER)
        .put("guilds", new JsonArray().add(GUILD)).put("exp", System.currentTimeMillis() / 1000 + 60).encode().getBytes());
    assertThrows(AuthFailure.class, () -> auth.verify(header + "." + body + ".", Caller.Via.HEADER).await());
  }

  @Test
  void malformedClaimsAreRefused() {
    JWTOptions opts = new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(60);
    assertThrows(AuthFailure.class, () -> auth.verify(sign(SECRET, new JsonObject().put("sub", "ana")
        .put("guilds", new JsonArray().add(GUILD)), opts), Caller.Via.HEADER).await());
    assertThrows(AuthFailure.class, () -> auth.verify(sign(SECRET, new JsonObject().put("sub", USER)
        .put("guilds", GUILD), opts), Caller.Via.HEADER).await());
    assertThrows(AuthFailure.class, () -> auth.verify(sign(SECRET, new JsonObject().put("sub", USER)
        .put("guilds", new JsonArray().add(42)), opts), Caller.Via.HEADER).await());
  }

  @Test
  void credentialsAreTriedHeaderThenCookieThenQueryOnlyWhenAllowed() {
    String token = auth.mint(USER, List.of(GUILD), 60);
    assertEquals(Caller.Via.HEADER, auth.authenticate(new Credentials("Bearer " + token, token, null)).await().via());
    assertEquals(Caller.Via.COOKIE, auth.authenticate(new Credentials(null, token, token)).await().via());
    assertThrows(AuthFailure.class, () -> auth.authenticate(new Credentials("Basic abc", token, null)).await());
    assertThrows(AuthFailure.class, () -> auth.authenticate(new Credentials(null, null, token)).await());
    var withQuery = new Authenticator(vertx, new BridgeConfig.Auth(SECRET, null, "HS256", true, false));
    assertEquals(Caller.Via.QUERY, withQuery.authenticate(new Credentials(null, "", token)).await().via());
  }

  @Test
  void aCritHeaderIsRefusedWhateverItNames() {
    String token = sign(SECRET, new JsonObject().put("sub", USER).put("guilds", new JsonArray().add(GUILD)),
        new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(60)
            .setHeader(new JsonObject().put("crit", new JsonArray().add("b64")).put("b64", false)));
    assertTrue(Authenticator.hasCriticalExtensions(token));
    assertInstanceOf(AuthFailure.class, assertThrows(Exception.class, () -> auth.verify(token, Caller.Via.HEADER).await()));
    assertEquals(false, Authenticator.hasCriticalExtensions(auth.mint(USER, List.of(GUILD), 60)));
    assertEquals(false, Authenticator.hasCriticalExtensions("not-a-jwt"));
    assertEquals(false, Authenticator.hasCriticalExtensions("%%%.x.y"));
  }

  @Test
  void theLifetimeCapLooksAtExpFromNowAndFromIat() {
    long now = System.currentTimeMillis() / 1000;
    JsonObject claims = new JsonObject().put("sub", USER).put("guilds", new JsonArray().add(GUILD));
    long hour = 3_600_000;
    Authenticator.caller(claims.copy().put("exp", now + 1800), Caller.Via.HEADER, hour);
    Authenticator.caller(claims.copy().put("exp", now + 1800).put("iat", now - 1000), Caller.Via.HEADER, hour);
    assertThrows(AuthFailure.class, () -> Authenticator.caller(claims.copy().put("exp", now + 7200), Caller.Via.HEADER, hour));
    assertThrows(AuthFailure.class,
        () -> Authenticator.caller(claims.copy().put("exp", now + 1800).put("iat", now - 7200), Caller.Via.HEADER, hour));
    Authenticator.caller(claims.copy().put("exp", 95_617_584_000L), Caller.Via.HEADER, 0); // no cap: accepted
  }

  @Test
  void profileClaimsBecomeTheProfileAndBadOnesAreIgnored() {
    String avatar = "a_0123456789abcdef0123456789abcdef";
    var signedIn = auth.identify(new Credentials(null, auth.mint(USER, List.of(GUILD), 60,
        Profile.claims("ana", "Ana B.", avatar)), null)).await();
    assertEquals(Caller.Via.COOKIE, signedIn.caller().via());
    assertEquals(new Profile("ana", "Ana B.", "https://cdn.discordapp.com/avatars/" + USER + "/" + avatar + ".png"),
        signedIn.profile());
    // No global name: the username is the display name; no avatar: Discord's default one.
    var plain = auth.identify(new Credentials("Bearer " + auth.mint(USER, List.of(GUILD), 60,
        Profile.claims("ana", null, null)), null, null)).await().profile();
    assertEquals("ana", plain.displayName());
    assertEquals("https://cdn.discordapp.com/embed/avatars/" + ((Long.parseLong(USER) >> 22) % 6) + ".png", plain.avatarUrl());
    // A token without them (demo, an operator's login) has no profile; claims of the wrong shape are dropped.
    assertEquals(Profile.NONE, auth.identify(new Credentials("Bearer " + auth.mint(USER, List.of(GUILD), 60), null, null))
        .await().profile());
    var odd = auth.identify(new Credentials("Bearer " + auth.mint(USER, List.of(GUILD), 60, new JsonObject()
        .put("username", 42).put("name", "x".repeat(65)).put("avatar", "../../evil")), null, null)).await().profile();
    assertEquals(Profile.NONE, odd);
  }

  @Test
  void theOptionalChannelsClaimNarrowsTheCaller() {
    String channel = "334455667788990011";
    Caller narrowed = auth.verify(auth.mint(USER, List.of(GUILD), List.of(channel), 60), Caller.Via.HEADER).await();
    assertEquals(Set.of(channel), narrowed.channels());
    assertTrue(narrowed.mayView(channel));
    assertTrue(!narrowed.mayView("334455667788990012"));
    Caller whole = auth.verify(auth.mint(USER, List.of(GUILD), 60), Caller.Via.HEADER).await();
    assertEquals(null, whole.channels());
    assertTrue(whole.mayView("334455667788990012"));
    assertEquals(narrowed, Caller.fromJson(narrowed.toJson()));
    assertEquals(whole, Caller.fromJson(whole.toJson()));
  }

  @Test
  void aMalformedChannelsClaimIsRefused() {
    JWTOptions opts = new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(60);
    JsonObject base = new JsonObject().put("sub", USER).put("guilds", new JsonArray().add(GUILD));
    assertThrows(AuthFailure.class, () -> auth.verify(sign(SECRET, base.copy().put("channels", "334455667788990011"),
        opts), Caller.Via.HEADER).await());
    assertThrows(AuthFailure.class, () -> auth.verify(sign(SECRET, base.copy().put("channels", new JsonArray().add("general")),
        opts), Caller.Via.HEADER).await());
  }
}
