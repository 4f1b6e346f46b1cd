package dev.discordbridge.edge;

import static dev.discordbridge.edge.StreamTestSupport.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.DemoDropout;
import dev.discordbridge.bus.DemoDropoutOutcome;
import dev.discordbridge.bus.DemoRoster;
import dev.discordbridge.config.BridgeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo routes over a real socket, with the simulated hub played on the bus: tokens only for
 * demo users, a readable "signed in" marker beside the HttpOnly cookie, and the dropout trigger.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DemoRoutesTest {
  static final String GUILD = "1181471853712130048";
  static final String ANA = "1098764523409876481";
  static final String DARA = "1107742619034856192";

  Vertx vertx;
  WebClient web;
  int port;
  final List<JsonObject> dropouts = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    StreamTestSupport.registerCodec(vertx);
    port = StreamTestSupport.freePort();
    BridgeConfig config = BridgeConfig.parse(new JsonObject().put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", port));
    vertx.eventBus().consumer(Addresses.DEMO_ROSTER, m -> m.reply(new DemoRoster(new JsonObject()
            .put("guilds", new JsonArray().add(new JsonObject().put("id", GUILD).put("name", "g").put("channels", new JsonArray())))
            .put("users", new JsonArray()
                .add(new JsonObject().put("id", ANA).put("username", "ana").put("simulated", false))
                .add(new JsonObject().put("id", DARA).put("username", "dara").put("simulated", true))))))
        .completion().await();
    vertx.eventBus().<DemoDropout>consumer(Addresses.DEMO_DROPOUT, m -> {
      dropouts.add(new JsonObject().put("userId", m.body().userId()));
      m.reply(new DemoDropoutOutcome(DemoDropoutOutcome.Status.SCHEDULED, GUILD, "1181471853712130054", "voice", true,
          "2026-12-02T10:00:00.000Z"));
    }).completion().await();
    StreamTestSupport.deploy(vertx, config, 1);
    web = WebClient.create(vertx);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void tokensOnlyForDemoUsersNeverForTheSimulatedPeople() {
    assertEquals(ANA, web.get(port, "127.0.0.1", "/api/demo/token").send().await().bodyAsJsonObject()
        .getJsonObject("user").getString("id"));
    var refused = web.get(port, "127.0.0.1", "/api/demo/token?user=" + DARA).send().await();
    assertEquals(400, refused.statusCode());
    assertTrue(refused.bodyAsString().contains("simulated"), refused.bodyAsString());
    var login = web.post(port, "127.0.0.1", "/api/demo/login").sendJsonObject(new JsonObject().put("userId", DARA)).await();
    assertEquals(400, login.statusCode());
  }

  @Test
  void signInSetsAReadableMarkerBesideTheHttpOnlyTokenAndSignOutClearsBoth() {
    var login = web.post(port, "127.0.0.1", "/api/demo/login").sendJsonObject(new JsonObject().put("userId", ANA)).await();
    assertEquals(200, login.statusCode());
    String marker = login.cookies().stream().filter(c -> c.startsWith("bridge_demo_user=")).findFirst().orElseThrow();
    assertTrue(marker.startsWith("bridge_demo_user=" + ANA + ";"), marker);
    assertTrue(!marker.toLowerCase().contains("httponly") && marker.toLowerCase().contains("samesite=strict"), marker);
    var logout = web.post(port, "127.0.0.1", "/api/demo/logout").send().await();
    assertEquals(2, logout.cookies().stream().filter(c -> c.contains("Max-Age=0")).count(), logout.cookies().toString());
  }

  @Test
  void theDropoutIsForTheSignedInUserOnly() {
    assertEquals(401, web.post(port, "127.0.0.1", "/api/demo/dropout").send().await().statusCode());
    assertEquals(List.of(), dropouts);
    String token = web.get(port, "127.0.0.1", "/api/demo/token?format=raw").send().await().bodyAsString();
    var accepted = web.post(port, "127.0.0.1", "/api/demo/dropout").putHeaders(io.vertx.core.MultiMap.caseInsensitiveMultiMap()
        .addAll(bearer(token))).send().await();
    assertEquals(202, accepted.statusCode());
    assertEquals(GUILD, accepted.bodyAsJsonObject().getString("guildId"));
    assertEquals(List.of(new JsonObject().put("userId", ANA)), dropouts);
  }
}
