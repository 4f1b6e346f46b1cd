package dev.discordbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.discordbridge.app.Node;
import dev.discordbridge.auth.Authenticator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MeEndpointTest {
  static Node node;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    node = Node.start(Map.of(), new JsonObject().put("HTTP_PORT", "0").put("HTTP_HOST", "127.0.0.1")
        .put("SIM_EVENTS_PER_SEC", "0")).await();
  }

  @AfterAll
  static void stop() {
    node.stop().await();
  }

  private static HttpResponse<String> get(String auth) throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/api/me"));
    if (auth != null) {
      b.header("Cookie", "bridge_token=" + auth);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void tellsTheCallerWhoTheTokenSaysItIs() throws Exception {
    String token = new Authenticator(node.vertx(), node.config().auth())
        .mint("112233445566778899", List.of("223344556677889900", "123344556677889900"), 60);
    HttpResponse<String> r = get(token);
    assertEquals(200, r.statusCode());
    JsonObject body = new JsonObject(r.body());
    assertEquals("112233445566778899", body.getString("userId"));
    assertEquals(new JsonArray().add("123344556677889900").add("223344556677889900"), body.getJsonArray("guilds"));
  }

  @Test
  void withoutATokenItIs401() throws Exception {
    HttpResponse<String> r = get(null);
    assertEquals(401, r.statusCode());
    assertEquals("UNAUTHENTICATED", new JsonObject(r.body()).getJsonObject("error").getString("code"));
  }

  @Test
  void profileClaimsShowWhereTheTokenHasThemInEveryMode() throws Exception {
    var auth = new Authenticator(node.vertx(), node.config().auth());
    JsonObject plain = new JsonObject(get(auth.mint("112233445566778899", List.of(), 60)).body());
    for (String key : List.of("username", "displayName", "avatarUrl")) {
      assertEquals(false, plain.containsKey(key), key + " is absent from a token without it");
    }
    JsonObject signedIn = new JsonObject(get(auth.mint("112233445566778899", List.of(), 60,
        dev.discordbridge.auth.Profile.claims("ana", "Ana B.", "0123456789abcdef0123456789abcdef"))).body());
    assertEquals("ana", signedIn.getString("username"));
    assertEquals("Ana B.", signedIn.getString("displayName"));
    assertEquals("https://cdn.discordapp.com/avatars/112233445566778899/0123456789abcdef0123456789abcdef.png",
        signedIn.getString("avatarUrl"));
  }

  @Test
  void logoutClearsTheCookieAndTheMethodsOfferNoDiscordSignInHere() throws Exception {
    var logout = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/auth/logout"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(204, logout.statusCode());
    String cleared = logout.headers().firstValue("Set-Cookie").orElseThrow().toLowerCase();
    assertEquals(true, cleared.startsWith("bridge_token=;") && cleared.contains("max-age=0"), cleared);
    var methods = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/auth/methods"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, methods.statusCode());
    assertEquals(new JsonObject(), new JsonObject(methods.body()));
    var login = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/auth/discord/login"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(404, login.statusCode(), "no sign-in route outside its mode");
  }
}

