package dev.discordbridge.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusCodecs;
import dev.discordbridge.bus.DemoDropout;
import dev.discordbridge.bus.DemoDropoutOutcome;
import dev.discordbridge.bus.DemoRoster;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.GatewayEvent;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.LinkFrames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SimulatedHubTest {
  private static final String TOKEN = "hub-test-token-0123456789abcdef";
  private static final String GUILD = Roster.NIGHT_OWLS;
  private static final String CHANNEL = "1181471853712130052";
  private static final String USER = "1098764523409876482";

  private Vertx vertx;
  private TestHub hub;

  /** A raw client of the hub: every frame it receives, parsed. */
  private final class Client {
    /** Held so that the client is not closed when it becomes unreachable (Vert.x closes collected clients). */
    final io.vertx.core.http.WebSocketClient client;
    final ClientWebSocket ws;
    final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();

    /** The handler is in place before the upgrade, so the hub's first frame cannot be missed. */
    Client(int port) {
      client = vertx.createWebSocketClient();
      ws = client.webSocket();
      ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
      ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(SimulatedHub.PATH)
          .addHeader("Authorization", "Bearer " + TOKEN)).await();
    }

    JsonObject next() throws InterruptedException {
      JsonObject f = frames.poll(5, TimeUnit.SECONDS);
      assertNotNull(f, "no frame within 5 s");
      return f;
    }

    JsonObject next(String type) throws InterruptedException {
      JsonObject f = next();
      assertEquals(type, f.getString("type"), "frame " + f);
      return f;
    }

    void send(JsonObject frame) {
      ws.writeTextMessage(frame.encode()).await();
    }
  }

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    BusCodecs.register(vertx.eventBus());
    hub = new TestHub(TOKEN, 0, 300);
    vertx.deployVerticle(hub).await();
  }

  private Future<WebSocket> connect(String path, String authorization) {
    var options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(hub.port()).setURI(path);
    if (authorization != null) {
      options.addHeader("Authorization", authorization);
    }
    return vertx.createWebSocketClient().connect(options);
  }

  private Client client() {
    return new Client(hub.port());
  }

  private static int refusal(Future<WebSocket> attempt) {
    Throwable t = attempt.transform(Future::succeededFuture).await().cause();
    return assertInstanceOf(UpgradeRejectedException.class, t).getStatus();
  }

  @Test
  void refusesAMissingOrWrongTokenAndUnknownPaths() {
    assertEquals(401, refusal(connect(SimulatedHub.PATH, null)));
    assertEquals(401, refusal(connect(SimulatedHub.PATH, "Bearer nope")));
    assertEquals(401, refusal(connect(SimulatedHub.PATH, TOKEN)));
    assertEquals(404, refusal(connect("/elsewhere", "Bearer " + TOKEN)));
    assertEquals(0, hub.connectionsAccepted());
  }

  @Test
  void refusesEveryUpgradeWhileToldTo() throws Exception {
    hub.refuseConnections(true);
    assertEquals(503, refusal(connect(SimulatedHub.PATH, "Bearer " + TOKEN)));
    assertEquals(0, hub.connectionsAccepted());
    hub.refuseConnections(false);
    client().next("hello");
    assertEquals(1, hub.connectionsAccepted());
  }

  @Test
  void greetsAcksHeartbeatsAndSendsEvents() throws Exception {
    Client c = client();
    JsonObject hello = c.next("hello");
    assertEquals(1, hello.getInteger("v"));
    assertEquals(300, hello.getInteger("heartbeatIntervalMs"));
    assertTrue(hello.getBoolean("resumable"));
    assertTrue(hello.getString("sessionId").length() > 0);
    c.send(LinkFrames.heartbeat(null));
    c.next("heartbeatAck");
    assertEquals(1, hub.connectionsOpen());

    JsonObject event = HubEvents.typingStart(GUILD, CHANNEL, USER);
    assertEquals(1L, hub.emit(event).await());
    JsonObject frame = c.next("event");
    assertEquals(1L, frame.getLong("seq"));
    assertEquals(event, frame.getJsonObject("event"));
    GatewayEvent.fromJson(frame.getJsonObject("event"), n -> false);

    hub.ackHeartbeats(false);
    c.send(LinkFrames.heartbeat(1L));
    hub.emit(HubEvents.typingStart(GUILD, CHANNEL, USER)).await();
    c.next("event"); // and no heartbeatAck before it
    assertEquals(LinkFrames.heartbeat(1L), hub.received().get(1));
  }

  @Test
  void resumeReplaysEverythingAfterTheGivenSeq() throws Exception {
    Client first = client();
    String session = first.next("hello").getString("sessionId");
    for (int i = 0; i < 3; i++) {
      hub.emit(HubEvents.typingStart(GUILD, CHANNEL, USER)).await();
      first.next("event");
    }
    hub.dropLink().await();
    hub.emit(HubEvents.typingStart(GUILD, CHANNEL, USER)).await();
    hub.emit(HubEvents.typingStart(GUILD, CHANNEL, USER)).await();

    Client second = client();
    assertNotEquals(session, second.next("hello").getString("sessionId"), "every hello offers a fresh session");
    second.send(LinkFrames.resume(session, 1L));
    for (long seq = 2; seq <= 5; seq++) {
      assertEquals(seq, second.next("event").getLong("seq"));
    }
    second.next("resumed");
    assertEquals(6L, hub.emit(HubEvents.typingStart(GUILD, CHANNEL, USER)).await(), "the resumed session goes on");
    assertEquals(6L, second.next("event").getLong("seq"));
  }

  @Test
  void anUnknownOrInvalidatedSessionGetsInvalidSessionAndAFreshHello() throws Exception {
    Client a = client();
    String session = a.next("hello").getString("sessionId");
    a.send(LinkFrames.heartbeat(null));
    a.next("heartbeatAck");
    hub.invalidateSessions();
    hub.dropLink().await();

    Client b = client();
    b.next("hello");
    b.send(LinkFrames.resume(session, null));
    b.next("invalidSession");
    JsonObject fresh = b.next("hello");
    assertNotEquals(session, fresh.getString("sessionId"));
    assertEquals(1L, hub.emit(HubEvents.typingStart(GUILD, CHANNEL, USER)).await(), "the fresh session starts at seq 1");
    assertEquals(1L, b.next("event").getLong("seq"));

    Client c = client();
    c.next("hello");
    c.send(LinkFrames.resume("sess_never_existed", 4L));
    c.next("invalidSession");
    c.next("hello");
  }

  @Test
  void commandsAreAckedOnceAndEchoed() throws Exception {
    Client c = client();
    c.next("hello");
    var command = new GatewayCommand(Ids.newCommandId(), GatewayCommand.SEND_MESSAGE, GUILD, CHANNEL, USER,
        new JsonObject().put("content", "hi hub"), Ids.newTraceId(), System.currentTimeMillis());
    c.send(LinkFrames.command(command));
    JsonObject ack = c.next("ack");
    assertEquals(command.id(), ack.getString("commandId"));
    assertTrue(ack.getBoolean("ok"));
    String messageId = ack.getJsonObject("result").getString("messageId");
    JsonObject echo = c.next("event").getJsonObject("event");
    assertEquals("messageCreate", echo.getString("name"));
    assertEquals(messageId, echo.getJsonObject("data").getString("messageId"));
    assertEquals("bruno", echo.getJsonObject("data").getJsonObject("author").getString("username"));
    assertEquals(command.traceId(), echo.getJsonObject("trace").getString("traceId"), "the echo continues the command's trace");

    c.send(LinkFrames.command(command));
    assertEquals(ack, c.next("ack"), "a retried id gets the same ack");
    hub.emit(HubEvents.typingStart(GUILD, CHANNEL, USER)).await();
    assertEquals("typingStart", c.next("event").getJsonObject("event").getString("name"), "and no second message");

    var reaction = new GatewayCommand(Ids.newCommandId(), GatewayCommand.ADD_REACTION, GUILD, CHANNEL, USER,
        new JsonObject().put("messageId", messageId).put("emoji", new JsonObject().put("name", "🎉").putNull("id")),
        Ids.newTraceId(), System.currentTimeMillis());
    c.send(LinkFrames.command(reaction));
    assertTrue(c.next("ack").getBoolean("ok"));
    assertEquals("reactionAdd", c.next("event").getJsonObject("event").getString("name"));

    var empty = new GatewayCommand(Ids.newCommandId(), GatewayCommand.SEND_MESSAGE, GUILD, CHANNEL, USER,
        new JsonObject().put("content", "   "), Ids.newTraceId(), System.currentTimeMillis());
    c.send(LinkFrames.command(empty));
    JsonObject refused = c.next("ack");
    assertEquals(false, refused.getBoolean("ok"));
    assertEquals("INVALID_COMMAND", refused.getJsonObject("error").getString("code"));
  }

  @Test
  void theEchoOfAMessageCarriesTheActorsDisplayNameAndAvatar() throws Exception {
    Client c = client();
    c.next("hello");
    var command = new GatewayCommand(Ids.newCommandId(), GatewayCommand.SEND_MESSAGE, GUILD, CHANNEL, USER,
        new JsonObject().put("content", "named"), Ids.newTraceId(), System.currentTimeMillis(), "Bruno B.",
        "https://cdn.discordapp.com/embed/avatars/2.png");
    c.send(LinkFrames.command(command));
    c.next("ack");
    JsonObject author = c.next("event").getJsonObject("event").getJsonObject("data").getJsonObject("author");
    assertEquals("Bruno B.", author.getString("displayName"));
    assertEquals("https://cdn.discordapp.com/embed/avatars/2.png", author.getString("avatarUrl"));
  }

  @Test
  void answersTheRosterOnTheBus() {
    JsonObject roster = vertx.eventBus().<DemoRoster>request(Addresses.DEMO_ROSTER, null).await().body().roster();
    assertEquals(Roster.DEMO.toJson(), roster);
    assertEquals(8, roster.getJsonArray("users").size());
  }

  @Test
  void aDemoDropoutJoinsTheUserThenDropsThemFromThatChannel() throws Exception {
    Client c = new Client(hub.port());
    c.next("hello");
    String ana = "1098764523409876481";
    DemoDropoutOutcome reply = vertx.eventBus().<DemoDropoutOutcome>request(Addresses.DEMO_DROPOUT, new DemoDropout(ana))
        .await().body();
    assertEquals(DemoDropoutOutcome.Status.SCHEDULED, reply.status());
    assertEquals(true, reply.joined());
    // A second click while the first is under way adds nothing.
    DemoDropoutOutcome again = vertx.eventBus().<DemoDropoutOutcome>request(Addresses.DEMO_DROPOUT, new DemoDropout(ana))
        .await().body();
    assertEquals(reply.channelId(), again.channelId());
    assertEquals(false, again.joined());

    JsonObject joined = c.next("event").getJsonObject("event");
    assertEquals("voice.joined", joined.getString("name"));
    assertEquals(ana, joined.getJsonObject("data").getString("userId"));
    assertEquals(reply.channelId(), joined.getString("channelId"));
    assertEquals(reply.guildId(), joined.getString("guildId"));
    JsonObject left = c.next("event").getJsonObject("event");
    assertEquals("voice.left", left.getString("name"));
    assertEquals(ana, left.getJsonObject("data").getString("userId"));
    assertEquals(reply.channelId(), left.getJsonObject("data").getString("channelId"));
    assertEquals("disconnected", left.getJsonObject("data").getString("reason"));

    // Only demo users: the simulated people are the simulator's own.
    String dara = "1107742619034856192";
    assertEquals(DemoDropoutOutcome.NOT_A_DEMO_USER, vertx.eventBus()
        .<DemoDropoutOutcome>request(Addresses.DEMO_DROPOUT, new DemoDropout(dara)).await().body());
  }

  @Test
  void generatesDemoTrafficWhenAsked(Vertx vertx) throws Exception {
    var busy = new TestHub(TOKEN, 200, 5_000);
    vertx.deployVerticle(busy).await();
    Client c = new Client(busy.port());
    c.next("hello");
    for (int i = 0; i < 10; i++) {
      JsonObject frame = c.next("event");
      GatewayEvent.fromJson(frame.getJsonObject("event"), n -> false);
    }
  }
}
