package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.discordbridge.app.Node;
import dev.discordbridge.testing.Poll;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Sign in with Discord (contract section 9) over real HTTP: a node in direct mode against the fake
 * Discord, whose OAuth2 endpoints play the authorize page, the token endpoint (client
 * authentication, single-use codes, redirect URI, PKCE S256), {@code /users/@me} and
 * {@code /users/@me/guilds}. The test is the browser: it walks each redirect itself.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SignInWithDiscordTest {
  static final String BOT_TOKEN = DirectModeTest.TOKEN;
  static final String CLIENT_ID = "1181471853712139999";
  static final String CLIENT_SECRET = "fake-client-secret-Zq9xW2vB7nM4kL1p";
  static final String GUILD = DirectModeTest.GUILD;
  static final String TEXT = DirectModeTest.TEXT;
  static final String OTHER_GUILD = DirectModeTest.OTHER_GUILD;
  /** A guild the user is in and the bot is not. */
  static final String USERS_ONLY_GUILD = "1181471853712130600";
  static final String USER = "1181471853712130199";
  static final String AVATAR = "0123456789abcdef0123456789abcdef";

  Vertx vertx;
  FakeDiscord discord;
  FakeDiscordOAuth oauth;
  Node node;
  int port;
  ListAppender<ILoggingEvent> logs;
  Logger root;
  Level bridgeLevel;

  @BeforeEach
  void setUp() throws Exception {
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    Logger bridge = (Logger) LoggerFactory.getLogger("dev.discordbridge");
    bridgeLevel = bridge.getLevel();
    bridge.setLevel(Level.DEBUG); // the secrets must stay out of every line, debug ones too
    vertx = Vertx.vertx();
    discord = FakeDiscord.start(vertx, BOT_TOKEN, 1, 1).await();
    discord.gateway.heartbeatIntervalMs(500);
    discord.guild(GUILD, List.of(TEXT), List.of());
    discord.guild(OTHER_GUILD, List.of(DirectModeTest.OTHER_TEXT), List.of());
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    oauth = new FakeDiscordOAuth(CLIENT_ID, CLIENT_SECRET, base() + "/auth/discord/callback")
        .user(USER, "ana", "Ana B.", AVATAR, List.of(GUILD, USERS_ONLY_GUILD));
    discord.rest.oauth(oauth);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (node != null) {
      node.stop().await();
    }
    discord.stop().await();
    vertx.close().await();
    root.detachAppender(logs);
    ((Logger) LoggerFactory.getLogger("dev.discordbridge")).setLevel(bridgeLevel);
  }

  String base() {
    return "http://127.0.0.1:" + port;
  }

  void startNode(Map<String, String> extra) throws Exception {
    JsonObject settings = new JsonObject().put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", String.valueOf(port))
        .put("AUTH_JWT_SECRET", DirectNode.SECRET).put("LINK_BACKOFF_BASE_MS", "50")
        .put("COMMAND_JOURNAL_DIR", Files.createTempDirectory("signin-journal").toString())
        .put("NODE_ID", "signin-" + System.nanoTime()).put("DISCORD_COMPRESS", "none")
        .put("DISCORD_CLIENT_ID", CLIENT_ID).put("DISCORD_CLIENT_SECRET", CLIENT_SECRET)
        .put("PUBLIC_BASE_URL", base())
        .put("DISCORD_OAUTH_AUTHORIZE_URL", discord.rest.apiBase().replace("/api/v10", "") + "/oauth2/authorize");
    discord.settings(BOT_TOKEN).forEach(settings::put);
    extra.forEach(settings::put);
    node = Node.start(Map.of(), settings).await();
    Poll.until(20_000, "/health/ready 200", () -> {
      try {
        return new SignInBrowser().get(base() + "/health/ready").statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    });
  }

  static Map<String, String> query(String url) {
    Map<String, String> out = new HashMap<>();
    String q = URI.create(url).getRawQuery();
    for (String pair : q == null ? new String[0] : q.split("&")) {
      int eq = pair.indexOf('=');
      out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** Login at the bridge, then the fake's authorize page: the URL of the callback Discord sends the browser to. */
  String authorize(SignInBrowser browser) throws Exception {
    HttpResponse<String> login = browser.get(base() + "/auth/discord/login");
    assertEquals(302, login.statusCode(), login.body());
    String toDiscord = login.headers().firstValue("Location").orElseThrow();
    HttpResponse<String> page = browser.get(toDiscord);
    assertEquals(302, page.statusCode(), page.body());
    return page.headers().firstValue("Location").orElseThrow();
  }

  static String reason(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonObject("error").getString("reason");
  }

  /** A refusal: 400 with the reason, and no bridge_token set. */
  static void refused(SignInBrowser browser, HttpResponse<String> r, int status, String reason) {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals(reason, reason(r), r.body());
    assertNull(browser.setCookie("bridge_token"), "no session cookie on a refusal");
    assertFalse(browser.cookies.containsKey("bridge_token"));
  }

  @Test
  void theWholeFlowSignsTheUserInWithTheGuildsTheyShareWithTheBot() throws Exception {
    startNode(Map.of());
    var browser = new SignInBrowser();
    HttpResponse<String> login = browser.get(base() + "/auth/discord/login");
    assertEquals(302, login.statusCode(), login.body());
    String toDiscord = login.headers().firstValue("Location").orElseThrow();
    assertTrue(toDiscord.startsWith(discord.rest.apiBase().replace("/api/v10", "") + "/oauth2/authorize?"), toDiscord);
    Map<String, String> q = query(toDiscord);
    assertEquals("code", q.get("response_type"));
    assertEquals(CLIENT_ID, q.get("client_id"));
    assertEquals("identify guilds", q.get("scope"));
    assertEquals(base() + "/auth/discord/callback", q.get("redirect_uri"));
    assertEquals("S256", q.get("code_challenge_method"));
    assertTrue(q.get("code_challenge").matches("[A-Za-z0-9_-]{43}"), q.get("code_challenge"));
    assertTrue(q.get("state").length() >= 32, q.get("state"));
    String stateCookie = browser.setCookie("bridge_signin");
    assertNotNull(stateCookie, "the state is bound to this browser by a cookie");
    String stateAttributes = stateCookie.toLowerCase();
    assertTrue(stateAttributes.contains("; httponly") && stateAttributes.contains("; samesite=lax")
        && stateAttributes.contains("; max-age=600") && stateAttributes.contains("; path=/auth/discord"), stateCookie);
    assertFalse(stateAttributes.contains("; secure"), "http on loopback: no Secure attribute (" + stateCookie + ")");

    HttpResponse<String> page = browser.get(toDiscord);
    assertEquals(302, page.statusCode(), page.body());
    HttpResponse<String> callback = browser.get(page.headers().firstValue("Location").orElseThrow());
    assertEquals(302, callback.statusCode(), callback.body());
    assertEquals("/", callback.headers().firstValue("Location").orElseThrow());
    String session = browser.setCookie("bridge_token");
    assertNotNull(session, "the callback sets bridge_token");
    String sessionAttributes = session.toLowerCase();
    assertTrue(sessionAttributes.contains("; httponly") && sessionAttributes.contains("; samesite=strict")
        && sessionAttributes.contains("; path=/") && sessionAttributes.contains("; max-age=43200"), session);
    assertFalse(browser.cookies.containsKey("bridge_signin"), "the state cookie is spent");

    HttpResponse<String> me = browser.get(base() + "/api/me");
    assertEquals(200, me.statusCode(), me.body());
    JsonObject body = new JsonObject(me.body());
    assertEquals(USER, body.getString("userId"));
    assertEquals(new JsonArray().add(GUILD), body.getJsonArray("guilds"), "the user's guilds that the bot is in");
    assertEquals("ana", body.getString("username"));
    assertEquals("Ana B.", body.getString("displayName"));
    assertEquals("https://cdn.discordapp.com/avatars/" + USER + "/" + AVATAR + ".png", body.getString("avatarUrl"));
    long expiresAt = java.time.Instant.parse(body.getString("expiresAt")).toEpochMilli();
    assertTrue(Math.abs(expiresAt - (System.currentTimeMillis() + 12 * 3_600_000L)) < 120_000, body.getString("expiresAt"));

    // The stream accepts the cookie.
    try (SseClient stream = SseClient.open(port, "/api/stream?guild=" + GUILD,
        Map.of("Cookie", "bridge_token=" + browser.cookies.get("bridge_token")))) {
      assertEquals(200, stream.status());
      assertNotNull(stream.next("ready", 10_000));
      discord.gateway.dispatch(0, "MESSAGE_CREATE", DirectModeTest.message("1181471853712131001", "hello signed-in"))
          .await();
      SseClient.Event e = stream.next("messageCreate", 10_000);
      assertNotNull(e, "the signed-in user's stream carries the guild's events");
      assertEquals("hello signed-in", e.json().getJsonObject("data").getString("content"));
    }
    // The user's Discord tokens are not kept: revoked once read.
    Poll.until(10_000, "the access token revoked", () -> oauth.revoked().size() == 1);
    assertTrue(List.copyOf(logs.list).stream().anyMatch(e -> e.getFormattedMessage().contains("signed in with Discord")),
        "the sign-in's own log lines are among those checked");
    assertNoSecretLogged();
  }

  @Test
  void behindAnHttpsOriginTheCookiesAreSecure() throws Exception {
    startNode(Map.of("PUBLIC_BASE_URL", "https://bridge.example.com"));
    var browser = new SignInBrowser();
    HttpResponse<String> login = browser.get(base() + "/auth/discord/login");
    assertEquals(302, login.statusCode(), login.body());
    assertEquals("https://bridge.example.com/auth/discord/callback",
        query(login.headers().firstValue("Location").orElseThrow()).get("redirect_uri"));
    assertTrue(browser.setCookie("bridge_signin").toLowerCase().contains("; secure"), browser.setCookie("bridge_signin"));
    // Through the rest of the flow (the test stands in for the TLS proxy in front): the session is Secure too.
    oauth = new FakeDiscordOAuth(CLIENT_ID, CLIENT_SECRET, "https://bridge.example.com/auth/discord/callback")
        .user(USER, "ana", "Ana B.", AVATAR, List.of(GUILD));
    discord.rest.oauth(oauth);
    String callback = browser.get(login.headers().firstValue("Location").orElseThrow()).headers().firstValue("Location")
        .orElseThrow();
    assertEquals(302, browser.get(callback.replace("https://bridge.example.com", base())).statusCode());
    assertTrue(browser.setCookie("bridge_token").toLowerCase().contains("; secure"), browser.setCookie("bridge_token"));
  }

  @Test
  void logoutClearsTheCookieAndRefusesCrossSiteRequests() throws Exception {
    startNode(Map.of());
    var browser = new SignInBrowser();
    assertEquals(302, browser.get(authorize(browser)).statusCode());
    assertTrue(browser.cookies.containsKey("bridge_token"));

    HttpResponse<String> crossSite = browser.post(base() + "/auth/logout",
        Map.of("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"));
    assertEquals(403, crossSite.statusCode(), crossSite.body());
    assertTrue(browser.cookies.containsKey("bridge_token"), "a cross-site logout changes nothing");

    HttpResponse<String> out = browser.post(base() + "/auth/logout", Map.of("Origin", base(), "Sec-Fetch-Site", "same-origin"));
    assertEquals(204, out.statusCode(), out.body());
    String cleared = browser.setCookie("bridge_token");
    assertTrue(cleared.contains("Max-Age=0") && cleared.contains("Path=/"), cleared);
    assertFalse(browser.cookies.containsKey("bridge_token"));
    assertEquals(401, browser.get(base() + "/api/me").statusCode());
  }

  @Test
  void everyBadStateIsRefusedWithoutACookie() throws Exception {
    startNode(Map.of());
    // Missing: no state in the callback, or no state cookie in the browser.
    var noState = new SignInBrowser();
    String callback = authorize(noState);
    refused(noState, noState.get(callback.replaceAll("&state=[^&]*", "")), 400, "STATE_MISSING");
    var noCookie = new SignInBrowser();
    refused(noCookie, noCookie.get(authorize(new SignInBrowser())), 400, "STATE_MISSING");

    // Unknown: a state cookie the bridge did not sign.
    var forged = new SignInBrowser();
    String forgedCallback = authorize(forged);
    String real = forged.cookies.get("bridge_signin");
    forged.cookies.put("bridge_signin", real.substring(0, real.length() - 4) + "AAAA");
    refused(forged, forged.get(forgedCallback), 400, "STATE_UNKNOWN");

    // Another browser's state: Mallory's callback URL (code and state) opened in Alice's browser.
    var alice = new SignInBrowser();
    authorize(alice);
    String mallorys = authorize(new SignInBrowser());
    refused(alice, alice.get(mallorys), 400, "STATE_MISMATCH");

    // Replayed: the same callback twice (the cookie kept by a copy of the browser).
    var first = new SignInBrowser();
    String once = authorize(first);
    String cookie = first.cookies.get("bridge_signin");
    assertEquals(302, first.get(once).statusCode());
    var replay = new SignInBrowser();
    replay.cookies.put("bridge_signin", cookie);
    refused(replay, replay.get(once), 400, "STATE_REPLAYED");

    // The user pressed Cancel at Discord; a browser (Accept: text/html) gets a page with a way back.
    oauth.deny(true);
    var cancelled = new SignInBrowser();
    refused(cancelled, cancelled.get(authorize(cancelled)), 400, "ACCESS_DENIED");
    var person = new SignInBrowser();
    HttpResponse<String> page = person.send(java.net.http.HttpRequest.newBuilder(URI.create(authorize(person))).GET(),
        Map.of("Accept", "text/html,application/xhtml+xml"));
    assertEquals(400, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
    assertTrue(page.body().contains("href=\"/auth/discord/login\"") && page.body().contains("ACCESS_DENIED"), page.body());
    assertNull(person.setCookie("bridge_token"));
    assertNoSecretLogged();
  }

  @Test
  void anExpiredStateIsRefused() throws Exception {
    startNode(Map.of("DISCORD_OAUTH_STATE_TTL_MS", "1000"));
    var browser = new SignInBrowser();
    String callback = authorize(browser);
    Thread.sleep(1_500); // the state's lifetime is the thing under test: let it pass
    refused(browser, browser.get(callback), 400, "STATE_EXPIRED");
    assertEquals(List.of(), oauth.seen().stream().filter(s -> s.contains("/oauth2/token")).toList(),
        "nothing was sent to Discord for an expired state");
  }

  @Test
  void aRefusedCodeOrAWrongVerifierIsRefused() throws Exception {
    startNode(Map.of());
    // A code Discord does not know.
    var browser = new SignInBrowser();
    String callback = authorize(browser);
    refused(browser, browser.get(callback.replaceAll("code=[^&]*", "code=not-a-code")), 400, "CODE_REFUSED");

    // Code injection: a code issued for another PKCE challenge (an attacker's) under this browser's state.
    var victim = new SignInBrowser();
    HttpResponse<String> login = victim.get(base() + "/auth/discord/login");
    String toDiscord = login.headers().firstValue("Location").orElseThrow();
    String attackers = FakeDiscordOAuth.s256("attacker-chosen-verifier-0123456789-abcdefghij");
    String tampered = toDiscord.replaceAll("code_challenge=[^&]*", "code_challenge=" + attackers);
    HttpResponse<String> page = victim.get(tampered);
    assertEquals(302, page.statusCode(), page.body());
    refused(victim, victim.get(page.headers().firstValue("Location").orElseThrow()), 400, "CODE_REFUSED");
    assertNoSecretLogged();
  }

  @Test
  void discordDownIsA502WithoutACookie() throws Exception {
    startNode(Map.of());
    var browser = new SignInBrowser();
    String callback = authorize(browser);
    oauth.down(503);
    refused(browser, browser.get(callback), 502, "DISCORD_UNAVAILABLE");
    assertNoSecretLogged();
  }

  /** Neither the client secret nor any code or token Discord handed out, nor the session token, in any log line. */
  void assertNoSecretLogged() {
    List<String> secrets = new java.util.ArrayList<>(oauth.secretsIssued());
    secrets.add(CLIENT_SECRET);
    secrets.add(java.util.Base64.getEncoder().encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)));
    List<ILoggingEvent> lines = List.copyOf(logs.list);
    assertFalse(lines.isEmpty(), "the log was captured");
    for (ILoggingEvent e : lines) {
      String text = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
      for (String s : secrets) {
        assertFalse(text.contains(s), "a secret in the log: " + text);
      }
      assertFalse(text.contains("eyJ"), "a JWT in the log: " + text);
    }
  }
}
