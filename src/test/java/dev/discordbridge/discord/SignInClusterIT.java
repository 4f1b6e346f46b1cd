package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.testing.BridgeProcess;
import dev.discordbridge.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sign in with Discord across a cluster of two bridge JVMs behind one public origin: the login
 * reaches node A, Discord sends the browser back to node B (the one PUBLIC_BASE_URL names, as a
 * load balancer might), B accepts A's state and mints the session, A accepts that session, and the
 * same callback replayed at A is refused: the single-use record is cluster-wide.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SignInClusterIT {
  static final String SECRET = "signin-cluster-it-secret-" + UUID.randomUUID();
  static final String GUILD = DirectModeTest.GUILD;

  Vertx vertx;
  FakeDiscord discord;
  final List<BridgeProcess> nodes = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (BridgeProcess n : nodes) {
      n.close();
    }
    if (discord != null) {
      discord.stop().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Test
  void aLoginOnOneNodeCompletesOnTheOtherAndCannotBeReplayedOnEither() throws Exception {
    vertx = Vertx.vertx();
    discord = FakeDiscord.start(vertx, DirectModeTest.TOKEN, 1, 1).await();
    discord.gateway.heartbeatIntervalMs(1_000);
    discord.guild(GUILD, List.of(DirectModeTest.TEXT), List.of());
    int[] ports = {BridgeProcess.freePort(), BridgeProcess.freePort()};
    String publicBase = "http://127.0.0.1:" + ports[1];
    discord.rest.oauth(new FakeDiscordOAuth(SignInWithDiscordTest.CLIENT_ID, SignInWithDiscordTest.CLIENT_SECRET,
        publicBase + "/auth/discord/callback").user(SignInWithDiscordTest.USER, "ana", "Ana B.", null,
        List.of(GUILD, SignInWithDiscordTest.USERS_ONLY_GUILD)));
    String cluster = "signin-it-" + UUID.randomUUID();
    int clusterPort = 16_000 + (int) (Math.random() * 20_000);
    for (int i = 0; i < 2; i++) {
      Map<String, String> env = new HashMap<>(discord.settings(DirectModeTest.TOKEN));
      env.put("AUTH_JWT_SECRET", SECRET);
      env.put("DISCORD_CLIENT_ID", SignInWithDiscordTest.CLIENT_ID);
      env.put("DISCORD_CLIENT_SECRET", SignInWithDiscordTest.CLIENT_SECRET);
      env.put("PUBLIC_BASE_URL", publicBase);
      env.put("DISCORD_OAUTH_AUTHORIZE_URL", discord.rest.apiBase().replace("/api/v10", "") + "/oauth2/authorize");
      env.put("CLUSTER_NAME", cluster);
      env.put("CLUSTER_PORT", String.valueOf(clusterPort + i));
      env.put("CLUSTER_MEMBERS", "127.0.0.1:" + clusterPort + ",127.0.0.1:" + (clusterPort + 1));
      env.put("CLUSTER_MEMBER_TIMEOUT_SECONDS", "5");
      env.put("CLUSTER_QUORUM", "1");
      env.put("VERTICLES_SSE_ROUTER_INSTANCES", "1");
      nodes.add(BridgeProcess.start("signin-node-" + i, ports[i], env, "--cluster"));
    }
    for (BridgeProcess n : nodes) {
      n.awaitLine("listening on port").get(90, TimeUnit.SECONDS);
    }
    String a = "http://127.0.0.1:" + ports[0];
    String b = publicBase;
    Poll.until(60_000, "both nodes ready", () -> {
      try {
        return new SignInBrowser().get(a + "/health/ready").statusCode() == 200
            && new SignInBrowser().get(b + "/health/ready").statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    });

    var browser = new SignInBrowser();
    HttpResponse<String> login = browser.get(a + "/auth/discord/login");
    assertEquals(302, login.statusCode(), login.body());
    String stateCookie = browser.cookies.get("bridge_signin");
    HttpResponse<String> page = browser.get(login.headers().firstValue("Location").orElseThrow());
    String callback = page.headers().firstValue("Location").orElseThrow();
    assertTrue(callback.startsWith(b + "/auth/discord/callback?"), callback);
    HttpResponse<String> done = browser.get(callback);
    assertEquals(302, done.statusCode(), done.body());
    assertTrue(browser.cookies.containsKey("bridge_token"), "node B set the session");

    HttpResponse<String> me = browser.get(a + "/api/me");
    assertEquals(200, me.statusCode(), me.body());
    JsonObject body = new JsonObject(me.body());
    assertEquals(SignInWithDiscordTest.USER, body.getString("userId"));
    assertEquals(new JsonArray().add(GUILD), body.getJsonArray("guilds"));

    // The same callback, with a copy of the state cookie, at the node that issued the state.
    var replay = new SignInBrowser();
    replay.cookies.put("bridge_signin", stateCookie);
    HttpResponse<String> again = replay.get(callback.replace(b, a));
    assertEquals(400, again.statusCode(), again.body());
    assertEquals("STATE_REPLAYED", new JsonObject(again.body()).getJsonObject("error").getString("reason"));
    assertFalse(replay.cookies.containsKey("bridge_token"));
  }
}
