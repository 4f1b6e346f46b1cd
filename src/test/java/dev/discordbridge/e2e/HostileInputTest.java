package dev.discordbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.discordbridge.app.Node;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Faults (issue 9, item 8) over real HTTP on a whole node: claims of the wrong type in a validly
 * signed token, message content made only of invisible characters.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileInputTest {
  static final String USER = "112233445566778899";
  static Node node;
  static String guild;
  static String channel;

  @BeforeAll
  static void start() {
    node = E2e.start(new JsonObject());
    JsonObject g = node.simulatedHub().roster().getJsonArray("guilds").getJsonObject(0);
    guild = g.getString("id");
    channel = g.getJsonArray("channels").getJsonObject(0).getString("id");
  }

  @AfterAll
  static void stop() {
    node.stop().await();
  }

  /** A token signed with the node's own secret, with exactly these claims. */
  static String signed(JsonObject claims) {
    JWTAuth jwt = JWTAuth.create(node.vertx(), new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(E2e.SECRET)));
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setNoTimestamp(true));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"4102444800\"", "\"soon\"", "[4102444800]", "{\"at\":1}", "true", "null"})
  void aSignedTokenWithANonNumericExpIs401WithoutAnErrorLine(String exp) {
    JsonObject claims = new JsonObject().put("sub", USER).put("guilds", new JsonArray().add(guild))
        .put("exp", new JsonObject("{\"v\":" + exp + "}").getValue("v"));
    String token = signed(claims);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    logs.start();
    root.addAppender(logs);
    try {
      for (String path : List.of("/api/me", "/api/stream", "/api/guilds/" + guild + "/voice")) {
        E2e.Response r = E2e.get(node, path, "Authorization", "Bearer " + token);
        assertEquals(401, r.status(), path + " with exp=" + exp + ": " + r.body());
        assertEquals("UNAUTHENTICATED", r.error().getString("code"));
      }
      E2e.Response r = E2e.command(node, "sendMessage", token,
          new JsonObject().put("guildId", guild).put("channelId", channel).put("content", "hi"));
      assertEquals(401, r.status(), r.body());
      assertEquals("UNAUTHENTICATED", r.error().getString("code"));
    } finally {
      root.detachAppender(logs);
    }
    List<String> errors = logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
        .map(ILoggingEvent::getFormattedMessage).toList();
    assertTrue(errors.isEmpty(), "no ERROR line for a client's bad token: " + errors);
  }

  @ParameterizedTest
  @ValueSource(strings = {"nbf", "iat"})
  void otherTimeClaimsAsStringsAre401Too(String claim) {
    String token = signed(new JsonObject().put("sub", USER).put("guilds", new JsonArray().add(guild))
        .put("exp", System.currentTimeMillis() / 1000 + 300).put(claim, "1700000000"));
    E2e.Response r = E2e.get(node, "/api/me", "Authorization", "Bearer " + token);
    assertEquals(401, r.status(), r.body());
    assertEquals("UNAUTHENTICATED", r.error().getString("code"));
  }

  @Test
  void aValidTokenStillWorks() {
    String token = signed(new JsonObject().put("sub", USER).put("guilds", new JsonArray().add(guild))
        .put("exp", System.currentTimeMillis() / 1000 + 300));
    assertEquals(200, E2e.get(node, "/api/me", "Authorization", "Bearer " + token).status());
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u00a0", "\u200b", "\u2800", "\u200c\u200d", "\u2060", "\ufeff", "\u3164", "\u115f\u1160",
      "\u180e", "\u00a0\u200b\u2800 \u3000\u2007\u202f\u00ad\u034f", "\uffa0", "\ud834\udd73"})
  void contentOfInvisibleCharactersOnlyIsRefused(String content) {
    String token = E2e.token(node, USER, List.of(guild));
    E2e.Response r = E2e.command(node, "sendMessage", token,
        new JsonObject().put("guildId", guild).put("channelId", channel).put("content", content));
    assertEquals(400, r.status(), r.body());
    assertEquals("VALIDATION_FAILED", r.error().getString("code"));
    JsonObject field = r.error().getJsonArray("fields").getJsonObject(0);
    assertEquals("content", field.getString("field"));
    assertNotNull(field.getString("message"));
  }

  @Test
  void visibleTextAmongInvisibleCharactersIsAccepted() {
    String token = E2e.token(node, USER, List.of(guild));
    E2e.Response r = E2e.command(node, "sendMessage", token,
        new JsonObject().put("guildId", guild).put("channelId", channel).put("content", "\u200bhi\u00a0there\u2800"));
    assertEquals(200, r.status(), r.body());
  }
}
