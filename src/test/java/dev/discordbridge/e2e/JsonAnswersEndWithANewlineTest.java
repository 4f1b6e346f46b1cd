package dev.discordbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.app.Node;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The README's curl commands print JSON that ends with a newline, so the shell prompt starts on a
 * line of its own: command answers (200, 202, errors), the demo routes, voice and /api/me.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JsonAnswersEndWithANewlineTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static Node node;
  static String base;

  @BeforeAll
  static void start() {
    node = Node.start(Map.of(), new JsonObject().put("HTTP_PORT", "0").put("HTTP_HOST", "127.0.0.1")
        .put("SIM_EVENTS_PER_SEC", "0")).await();
    base = "http://127.0.0.1:" + node.httpPort();
  }

  @AfterAll
  static void stop() {
    node.stop().await();
  }

  static HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
    var b = HttpRequest.newBuilder(URI.create(base + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static void endsWithNewline(HttpResponse<String> r, int status) {
    assertEquals(status, r.statusCode(), r.body());
    assertTrue(r.body().endsWith("}\n"), r.request().uri() + " answered without a final newline: " + r.body());
    new JsonObject(r.body());   // still one JSON document
  }

  @Test
  void everyJsonAnswerOfTheReadmeEndsWithANewline() throws Exception {
    HttpResponse<String> roster = send("GET", "/api/demo/roster", null, null);
    endsWithNewline(roster, 200);
    JsonObject guild = new JsonObject(roster.body()).getJsonArray("guilds").getJsonObject(0);
    String channel = guild.getJsonArray("channels").getJsonObject(0).getString("id");
    String token = send("GET", "/api/demo/token?format=raw", null, null).body();
    endsWithNewline(send("GET", "/api/demo/token", null, null), 200);
    String body = new JsonObject().put("guildId", guild.getString("id")).put("channelId", channel)
        .put("content", "hello from curl").encode();
    HttpResponse<String> sent = send("POST", "/api/commands/sendMessage", token, body);
    assertTrue(sent.statusCode() == 200 || sent.statusCode() == 202, sent.body());
    endsWithNewline(sent, sent.statusCode());
    endsWithNewline(send("POST", "/api/commands/sendMessage", token, "{\"conent\":1}"), 400);
    endsWithNewline(send("POST", "/api/commands/sendMessage", null, body), 401);
    endsWithNewline(send("GET", "/api/guilds/" + guild.getString("id") + "/voice", token, null), 200);
    endsWithNewline(send("GET", "/api/me", token, null), 200);
    endsWithNewline(send("POST", "/api/demo/dropout", token, null), 202);
    endsWithNewline(send("POST", "/api/demo/logout", null, null), 200);
  }
}
