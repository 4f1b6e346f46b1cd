package dev.discordbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * README.md "Run it", step by step, against a whole demo node (with its generated traffic): a demo
 * token, the roster, the stream, a message sent with curl's request, and its echo on the stream
 * carrying the POST's trace id.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoSessionTest {
  private static final Pattern CURL_IDS = Pattern.compile("\"guildId\":\"([0-9]+)\",\"channelId\":\"([0-9]+)\"");
  Node node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop().await();
    }
  }

  /** The ids of README's curl example. */
  static String[] readmeIds() throws Exception {
    Matcher m = CURL_IDS.matcher(Files.readString(Path.of("README.md")));
    assertTrue(m.find(), "README.md has a sendMessage curl example with guildId and channelId");
    return new String[] {m.group(1), m.group(2)};
  }

  @Test
  void theReadmeSessionWorksAsWritten() throws Exception {
    node = E2e.start(new JsonObject().put("SIM_EVENTS_PER_SEC", "3"));
    E2e.awaitReady(node, 200);

    // TOKEN=$(curl -s 'localhost:8080/api/demo/token?format=raw')
    E2e.Response tokenResponse = E2e.get(node, "/api/demo/token?format=raw");
    assertEquals(200, tokenResponse.status());
    String token = tokenResponse.body();
    assertEquals(3, token.split("\\.").length, "a raw JWT: " + token);

    // The roster names the guild and channel ids; README's example must use real ones.
    E2e.Response rosterResponse = E2e.get(node, "/api/demo/roster");
    assertEquals(200, rosterResponse.status());
    JsonObject roster = rosterResponse.json();
    String[] ids = readmeIds();
    JsonObject guild = roster.getJsonArray("guilds").stream().map(JsonObject.class::cast)
        .filter(g -> g.getString("id").equals(ids[0])).findFirst().orElse(null);
    assertNotNull(guild, "README's guildId " + ids[0] + " is a guild of the demo roster " + roster.encode());
    assertTrue(guild.getJsonArray("channels").stream().map(JsonObject.class::cast)
            .anyMatch(c -> c.getString("id").equals(ids[1]) && "text".equals(c.getString("type"))),
        "README's channelId " + ids[1] + " is a text channel of guild " + ids[0]);
    String me = roster.getJsonArray("users").getJsonObject(0).getString("id");

    // curl -N -H "Authorization: Bearer $TOKEN" localhost:8080/api/stream
    try (SseClient stream = SseClient.open(E2e.base(node), "/api/stream", token, null)) {
      assertEquals(200, stream.status());
      assertEquals(new JsonObject().put("resumed", false), E2e.nonNull(stream.next("ready", 5_000), "ready").json());

      // curl -s -X POST localhost:8080/api/commands/sendMessage ... (plus a traceparent)
      String traceId = Ids.newTraceId();
      String content = "hello from curl " + traceId.substring(0, 6);
      E2e.Response sent = E2e.command(node, "sendMessage", token,
          new JsonObject().put("guildId", ids[0]).put("channelId", ids[1]).put("content", content),
          "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
      assertEquals(200, sent.status(), sent.body());
      assertEquals(traceId, sent.header("X-Trace-Id"), "the traceparent's trace id is the request's");
      JsonObject answer = sent.json();
      assertEquals(Set.of("commandId", "status", "result"), answer.fieldNames());
      assertEquals("delivered", answer.getString("status"));
      String messageId = answer.getJsonObject("result").getString("messageId");
      assertTrue(Ids.isSnowflake(messageId), "the hub's result names the message: " + answer);

      JsonObject echo = echoOf(stream, content);
      assertEquals(ids[0], echo.getString("guildId"));
      assertEquals(ids[1], echo.getString("channelId"));
      JsonObject data = echo.getJsonObject("data");
      assertEquals(messageId, data.getString("messageId"));
      assertEquals(me, data.getJsonObject("author").getString("id"), "sent as the token's user");
      JsonObject trace = echo.getJsonObject("trace");
      assertEquals(Set.of("traceId", "upstreamSeq", "receivedAt", "publishedAt"), trace.fieldNames());
      assertEquals(traceId, trace.getString("traceId"), "traced end to end: POST traceparent → hub → stream");
      assertTrue(trace.getValue("upstreamSeq") instanceof Number n && n.longValue() >= 1, "upstreamSeq: " + trace);
      Instant received = Instant.parse(trace.getString("receivedAt"));
      Instant published = Instant.parse(trace.getString("publishedAt"));
      assertTrue(!published.isBefore(received), "published after received: " + trace);

      // Without a traceparent the edge's trace id (X-Trace-Id) is the one the echo carries.
      String second = "second message " + traceId.substring(6, 12);
      E2e.Response plain = E2e.command(node, "sendMessage", token,
          new JsonObject().put("guildId", ids[0]).put("channelId", ids[1]).put("content", second));
      assertEquals(200, plain.status(), plain.body());
      String edgeTrace = plain.header("X-Trace-Id");
      assertTrue(Ids.isTraceId(edgeTrace), "X-Trace-Id: " + edgeTrace);
      assertEquals(edgeTrace, echoOf(stream, second).getJsonObject("trace").getString("traceId"));
    }
  }

  @Test
  void theDocsExamplesUseRosterIds() throws Exception {
    // docs/commands.md and docs/stream.md example ids must be the demo roster's too.
    node = E2e.start(new JsonObject());
    JsonObject roster = E2e.get(node, "/api/demo/roster").json();
    Set<String> known = new java.util.HashSet<>();
    for (Object g : roster.getJsonArray("guilds")) {
      known.add(((JsonObject) g).getString("id"));
      ((JsonObject) g).getJsonArray("channels").forEach(c -> known.add(((JsonObject) c).getString("id")));
    }
    roster.getJsonArray("users").forEach(u -> known.add(((JsonObject) u).getString("id")));
    for (String doc : new String[] {"README.md", "docs/commands.md", "docs/stream.md"}) {
      String text = Files.readString(Path.of(doc));
      for (Pattern p : new Pattern[] {Pattern.compile("(?:G|C)=([0-9]{17,20})"),
          Pattern.compile("\"(?:guildId|channelId|userId)\\\\?\":\\s*\\\\?\"([0-9]{17,20})"),
          Pattern.compile("guilds/([0-9]{17,20})/voice"), Pattern.compile("[?&]guild=([0-9]{17,20})"),
          Pattern.compile("userId: '([0-9]{17,20})'")}) {
        Matcher m = p.matcher(text);
        while (m.find()) {
          assertTrue(known.contains(m.group(1)), doc + ": example id " + m.group(1) + " is not in the demo roster");
        }
      }
    }
  }

  /** The messageCreate whose content is {@code content} (demo traffic may come before it). */
  static JsonObject echoOf(SseClient stream, String content) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      SseClient.Event e = stream.next("messageCreate", deadline - System.currentTimeMillis());
      assertNotNull(e, "the echo of \"" + content + "\" on the stream");
      assertTrue(!SseClient.CLOSED.equals(e.name()), "the stream closed before the echo");
      JsonObject payload = e.json();
      assertEquals(e.id(), payload.getString("id"), "the SSE id is the payload's id");
      if (content.equals(payload.getJsonObject("data").getString("content"))) {
        return payload;
      }
    }
    throw new AssertionError("no echo of \"" + content + "\"");
  }
}
