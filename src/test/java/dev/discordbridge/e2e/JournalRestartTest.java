package dev.discordbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.sim.SimulatedHub;
import dev.discordbridge.sim.TestHub;
import dev.discordbridge.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 25 items 1 and 2 through a real node restart (in process), linked over a real WebSocket
 * to a hub this test plays, with the node's journal on a real file: a journal with a torn
 * multi-byte tail and a wrong-shape entry does not stop the node, its good commands reach the hub
 * once and the bad one never; an Idempotency-Key answered 202 (link down) or 200 before a
 * restart gives the same command after it, and the hub receives it exactly once.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class JournalRestartTest {
  static final String LINK_TOKEN = "journal-restart-link-token-" + UUID.randomUUID();
  static final String SECRET = "journal-restart-secret-0123456789abcdef-0123";
  static final String GUILD = "900000000000000201";
  static final String CHANNEL = "900000000000000202";
  static final String USER = "900000000000000203";

  @TempDir Path journal;
  Vertx vertx;
  TestHub hub;
  Node node;

  @BeforeEach
  void startHub() {
    vertx = Vertx.vertx();
    hub = new TestHub(LINK_TOKEN, 0, 1_000);
    vertx.deployVerticle(hub).await();
  }

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop().await();
    }
    vertx.close().await();
  }

  long maxAgeMs = 600_000;

  Node start() {
    JsonObject settings = new JsonObject().put("HTTP_HOST", "127.0.0.1").put("HTTP_PORT", "0")
        .put("GATEWAY_WS_URL", "ws://127.0.0.1:" + hub.port() + SimulatedHub.PATH).put("LINK_TOKEN", LINK_TOKEN)
        .put("AUTH_JWT_SECRET", SECRET).put("COMMAND_JOURNAL_DIR", journal.toString())
        .put("RATE_LIMIT_USER", "1000/1s").put("RATE_LIMIT_CHANNEL", "1000/1s")
        .put("LINK_BACKOFF_BASE_MS", "50").put("LINK_BACKOFF_MAX_MS", "300")
        .put("COMMAND_ACK_WAIT_MS", "3000").put("VERTICLES_SSE_ROUTER_INSTANCES", "1")
        .put("COMMAND_MAX_AGE_MS", String.valueOf(maxAgeMs)).put("NODE_ID", "journal-restart-" + System.nanoTime());
    node = Node.start(java.util.Map.of(), settings).await();
    return node;
  }

  void restart() {
    node.stop().await();
    node = null;
    start();
  }

  E2e.Response post(String content, String idempotencyKey) {
    String token = new Authenticator(node.vertx(), node.config().auth()).mint(USER, List.of(GUILD), 3_600);
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/api/commands/sendMessage"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL)
            .put("content", content).encode()));
    return idempotencyKey == null ? E2e.send(b) : E2e.send(b, "Idempotency-Key", idempotencyKey);
  }

  List<String> commandIdsAtHub() {
    return hub.received().stream().filter(f -> "command".equals(f.getString("type")))
        .map(f -> f.getJsonObject("command").getString("id")).toList();
  }

  long atHub(String commandId) {
    return commandIdsAtHub().stream().filter(commandId::equals).count();
  }

  void linkDown() {
    hub.refuseConnections(true);
    hub.dropLink().await();
  }

  static byte[] line(GatewayCommand c) {
    return (new JsonObject().put("op", "queued").put("command", c.toJson()).encode() + "\n").getBytes(StandardCharsets.UTF_8);
  }

  static GatewayCommand command(String content) {
    return new GatewayCommand(Ids.newCommandId(), GatewayCommand.SEND_MESSAGE, GUILD, CHANNEL, USER,
        new JsonObject().put("content", content), Ids.newTraceId(), System.currentTimeMillis());
  }

  @Test
  void aTornMultiByteTailAndAWrongShapeEntryDoNotStrandTheJournal() throws Exception {
    GatewayCommand good = command("kept across the restart");
    GatewayCommand undated = command("no time");
    JsonObject undatedJson = undated.toJson();
    undatedJson.getJsonObject("trace").remove("requestedAt");
    byte[] wrongShape = (new JsonObject().put("op", "queued").put("command", undatedJson).encode() + "\n")
        .getBytes(StandardCharsets.UTF_8);
    byte[] torn = line(command("déjà vu"));
    int cut = new String(torn, StandardCharsets.ISO_8859_1).indexOf("\u00c3\u00a9") + 1;
    var file = new ByteArrayOutputStream();
    file.writeBytes(line(good));
    file.writeBytes(wrongShape);
    file.writeBytes(Arrays.copyOf(torn, cut));
    Files.write(journal.resolve("commands.journal"), file.toByteArray());

    start();
    Poll.until(15_000, "the journaled command at the hub", () -> atHub(good.id()) >= 1);
    E2e.Response after = post("after the restart", null);
    assertEquals(200, after.status(), after.body());
    assertEquals(1, atHub(good.id()), "sent once");
    assertEquals(0, atHub(undated.id()), "a wrong-shape entry is never sent");
  }

  @Test
  void anIdempotencyKeyAnswered202BeforeARestartGivesTheSameCommandAfterIt() {
    linkDown();
    start();
    E2e.Response first = post("order 42", "order-42");
    assertEquals(202, first.status(), first.body());
    String commandA = first.json().getString("commandId");

    restart();
    hub.refuseConnections(false);
    E2e.Response again = post("order 42", "order-42");
    assertTrue(again.status() == 200 || again.status() == 202, again.body());
    assertEquals(commandA, again.json().getString("commandId"), "the same key from the same user gives the first command");
    Poll.until(15_000, "cmd_A at the hub", () -> atHub(commandA) >= 1);
    E2e.Response third = post("order 42", "order-42");
    assertEquals(commandA, third.json().getString("commandId"));
    assertEquals(List.of(commandA), commandIdsAtHub(), "the hub received exactly one command");
  }

  @Test
  void aKeyedCommandThatExpiredInTheJournalAnswersItsKeyWithTheFailureNotQueued() throws Exception {
    GatewayCommand old = new GatewayCommand(Ids.newCommandId(), GatewayCommand.SEND_MESSAGE, GUILD, CHANNEL, USER,
        new JsonObject().put("content", "too old"), Ids.newTraceId(), System.currentTimeMillis() - 120_000);
    Files.write(journal.resolve("commands.journal"), (new JsonObject().put("op", "queued").put("command", old.toJson())
        .put("key", "order-44").encode() + "\n").getBytes(StandardCharsets.UTF_8));
    maxAgeMs = 60_000;
    start();
    E2e.Response again = post("too old", "order-44");
    assertEquals(old.id(), again.json().getJsonObject("error") == null ? again.json().getString("commandId")
        : again.error().getString("commandId"), again.body());
    assertEquals(502, again.status(), "the key answers the command's end (expired), not a 202: " + again.body());
    assertEquals(0, atHub(old.id()), "never sent");
  }

  @Test
  void theKeyOfADeliveredCommandSurvivesARestart() {
    start();
    E2e.Response first = post("order 43", "order-43");
    assertEquals(200, first.status(), first.body());
    String commandC = first.json().getString("commandId");

    restart();
    E2e.Response again = post("order 43", "order-43");
    assertEquals(200, again.status(), again.body());
    assertEquals(commandC, again.json().getString("commandId"));
    assertEquals("delivered", again.json().getString("status"));
    assertEquals(1, atHub(commandC));
    assertFalse(commandIdsAtHub().stream().anyMatch(id -> !id.equals(commandC)), "nothing else was sent");
  }
}
