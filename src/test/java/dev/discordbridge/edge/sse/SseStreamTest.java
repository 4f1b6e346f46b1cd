package dev.discordbridge.edge.sse;

import static dev.discordbridge.edge.StreamTestSupport.bearer;
import static dev.discordbridge.edge.TestEvents.CHANNEL;
import static dev.discordbridge.edge.TestEvents.GUILD;
import static dev.discordbridge.edge.TestEvents.OTHER_GUILD;
import static dev.discordbridge.edge.TestEvents.USER;
import static dev.discordbridge.edge.TestEvents.USER_2;
import static dev.discordbridge.edge.TestEvents.VOICE_CHANNEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.CommandStatus;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamIds;
import dev.discordbridge.edge.StreamTestSupport;
import dev.discordbridge.edge.TestEvents;
import dev.discordbridge.ops.Metrics;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SSE stream over real HTTP: two router instances share the port (as in production), the
 * test publishes StreamEvents on the bus as the link holder would.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SseStreamTest {
  static final int WINDOW = 50;
  static Vertx vertx;
  static HttpClient http;
  static WebClient web;
  static BridgeConfig config;
  static int port;
  /** Stream-id counters only grow across the tests (the routers' windows live for the whole class). */
  static final AtomicLong counter = new AtomicLong(1);

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    StreamTestSupport.registerCodec(vertx);
    port = StreamTestSupport.freePort();
    config = BridgeConfig.parse(StreamTestSupport.baseConfig(port)
        .put("SSE_REPLAY_WINDOW", WINDOW)
        .put("SSE_CLIENT_BUFFER_EVENTS", 200)
        .put("SSE_CLIENT_BUFFER_BYTES", 65_536)
        .put("SSE_RETRY_MS", 1500)
        .put("SSE_HEARTBEAT_MS", 30_000));
    StreamTestSupport.deploy(vertx, config, 2);
    http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(50));
    web = WebClient.create(vertx);
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  static String token(String user, String... guilds) {
    return StreamTestSupport.token(vertx, config, user, List.of(guilds), 600);
  }

  static StreamEvent publish(StreamEvent e) {
    vertx.eventBus().publish(Addresses.EVENTS, e);
    return e;
  }

  static long next() {
    return counter.getAndIncrement();
  }

  static SseClient open(String path, Map<String, String> headers) {
    return SseClient.open(port, path, headers);
  }

  /** Opens a stream and consumes retry + ready; returns the client. */
  static SseClient openReady(String path, Map<String, String> headers, boolean expectResumed) {
    SseClient c = open(path, headers);
    assertEquals(200, c.status(), c.body());
    SseClient.Event retry = c.next();
    assertEquals(1500L, retry.retry());
    SseClient.Event ready = c.next();
    assertEquals("ready", ready.name());
    assertEquals(expectResumed, ready.json().getBoolean("resumed"));
    return c;
  }

  static Map<String, String> withLastId(String token, String lastId) {
    Map<String, String> h = new HashMap<>(bearer(token));
    h.put("Last-Event-ID", lastId);
    return h;
  }

  @Test
  void deliversEventsWithIdsAndTraceMetadata() {
    SseClient c = openReady("/api/stream", bearer(token(USER, GUILD)), false);
    assertEquals("text/event-stream; charset=utf-8", c.header("Content-Type"));
    assertEquals("no-cache", c.header("Cache-Control"));
    assertEquals("no", c.header("X-Accel-Buffering"));
    assertEquals(32, c.header("X-Trace-Id").length());

    List<StreamEvent> sent = List.of(publish(TestEvents.message(next())),
        publish(TestEvents.joined(next(), USER, "ana", VOICE_CHANNEL)),
        publish(TestEvents.left(next(), USER, VOICE_CHANNEL)));
    for (StreamEvent e : sent) {
      SseClient.Event f = c.nextEvent();
      assertEquals(e.streamIdText(), f.id());
      assertEquals(e.name(), f.name());
      JsonObject data = f.json();
      assertEquals(1, data.getInteger("v"));
      assertEquals(e.streamIdText(), data.getString("id"));
      assertEquals(GUILD, data.getString("guildId"));
      JsonObject trace = data.getJsonObject("trace");
      assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", trace.getString("traceId"));
      assertTrue(trace.containsKey("upstreamSeq") && trace.containsKey("receivedAt") && trace.containsKey("publishedAt"));
    }
    assertEquals("voice.left", new JsonObject(sent.get(2).json()).getString("name"));
    c.close();
  }

  @Test
  void missingTokenIs401AndForeignGuildIs403() {
    SseClient none = open("/api/stream", Map.of());
    assertEquals(401, none.status());
    assertEquals("UNAUTHENTICATED", new JsonObject(none.body()).getJsonObject("error").getString("code"));
    SseClient bad = open("/api/stream", bearer("not.a.token"));
    assertEquals(401, bad.status());
    SseClient foreign = open("/api/stream?guild=" + OTHER_GUILD, bearer(token(USER, GUILD)));
    assertEquals(403, foreign.status());
    assertEquals("FORBIDDEN", new JsonObject(foreign.body()).getJsonObject("error").getString("code"));
    assertEquals("GUILD_NOT_ALLOWED", new JsonObject(foreign.body()).getJsonObject("error").getString("reason"));
  }

  @Test
  void filtersNarrowTheStreamAndNothingOfAForeignGuildIsWritten() {
    String t = token(USER, GUILD);
    SseClient all = openReady("/api/stream", bearer(t), false);
    SseClient narrow = openReady("/api/stream?guild=" + GUILD + "&channel=" + CHANNEL + "&types=messageCreate,reactionAdd",
        bearer(t), false);
    publish(TestEvents.message(next(), OTHER_GUILD, CHANNEL, "secret"));
    publish(TestEvents.message(next(), GUILD, "334455667788990099", "other channel"));
    publish(TestEvents.typing(next()));
    StreamEvent wanted = publish(TestEvents.message(next(), GUILD, CHANNEL, "wanted"));

    // Events arrive in order: the first thing each stream sees is from the allowed guild.
    SseClient.Event first = all.nextEvent();
    assertEquals(GUILD, first.json().getString("guildId"));
    assertEquals("other channel", first.json().getJsonObject("data").getString("content"));
    assertEquals("typingStart", all.nextEvent().name());
    assertEquals(wanted.streamIdText(), all.nextEvent().id());
    assertEquals(wanted.streamIdText(), narrow.nextEvent().id());
    assertNull(narrow.pollEvent(200));
    all.close();
    narrow.close();
  }

  @Test
  void resumeInsideTheWindowHasNoGapAndNoDuplicate() throws Exception {
    String t = token(USER, GUILD);
    SseClient first = openReady("/api/stream", bearer(t), false);
    int total = 40;
    List<StreamEvent> sent = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      sent.add(TestEvents.message(next()));
    }
    // Publish from the event loop every 2 ms while the client disconnects and resumes.
    var index = new java.util.concurrent.atomic.AtomicInteger();
    vertx.setPeriodic(2, id -> {
      int i = index.getAndIncrement();
      if (i >= total) {
        vertx.cancelTimer(id);
      } else {
        publish(sent.get(i));
      }
    });
    List<String> received = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      received.add(first.nextEvent().id());
    }
    first.close();
    SseClient second = openReady("/api/stream", withLastId(t, received.get(received.size() - 1)), true);
    while (!received.get(received.size() - 1).equals(sent.get(total - 1).streamIdText())) {
      received.add(second.nextEvent().id());
    }
    assertEquals(sent.stream().map(StreamEvent::streamIdText).toList(), received);
    assertNull(second.pollEvent(150));
    second.close();
  }

  @Test
  void lastEventIdOutsideTheWindowOrUnparseableGetsReset() {
    String t = token(USER, GUILD);
    StreamEvent old = publish(TestEvents.message(next()));
    StreamEvent last = null;
    for (int i = 0; i < WINDOW + 5; i++) {
      last = publish(TestEvents.message(next()));
    }
    SseClient watcher = openReady("/api/stream", bearer(t), false);
    StreamEvent marker = publish(TestEvents.message(next()));
    assertEquals(marker.streamIdText(), watcher.nextEvent().id()); // both instances have processed `last`
    watcher.close();

    SseClient c = openReady("/api/stream", withLastId(t, old.streamIdText()), false);
    SseClient.Event reset = c.nextEvent();
    assertEquals("reset", reset.name());
    assertEquals(marker.streamIdText(), reset.id());
    StreamEvent live = publish(TestEvents.message(next()));
    assertEquals(live.streamIdText(), c.nextEvent().id());
    c.close();

    SseClient junk = openReady("/api/stream?lastEventId=abc", bearer(t), false);
    assertEquals("reset", junk.nextEvent().name());
    junk.close();
    assertTrue(last.streamId() < marker.streamId());
  }

  @Test
  void resetOnTheBusResetsEveryStreamAndRestartsTheWindow() {
    String t = token(USER, GUILD);
    SseClient a = openReady("/api/stream", bearer(t), false);
    SseClient b = openReady("/api/stream?types=messageCreate", bearer(t), false);
    StreamEvent before = publish(TestEvents.message(next()));
    assertEquals(before.streamIdText(), a.nextEvent().id());
    assertEquals(before.streamIdText(), b.nextEvent().id());
    StreamEvent reset = publish(TestEvents.reset(next()));
    for (SseClient c : List.of(a, b)) {
      SseClient.Event f = c.nextEvent();
      assertEquals("reset", f.name());
      assertEquals(reset.streamIdText(), f.id());
      assertEquals("session_invalidated", f.json().getString("reason"));
    }
    StreamEvent after = publish(TestEvents.message(next()));
    assertEquals(after.streamIdText(), a.nextEvent().id());
    a.close();
    b.close();

    SseClient stale = openReady("/api/stream", withLastId(t, before.streamIdText()), false);
    assertEquals("reset", stale.nextEvent().name());
    stale.close();
    SseClient fromReset = openReady("/api/stream", withLastId(t, reset.streamIdText()), true);
    assertEquals(after.streamIdText(), fromReset.nextEvent().id());
    fromReset.close();
  }

  @Test
  void aHandoverRepairIsDeliveredWhereItWasMissingAndDroppedWhereItWasNot() {
    String t = token(USER, GUILD);
    SseClient c = openReady("/api/stream", bearer(t), false);
    StreamEvent reset = publish(TestEvents.reset(next()));
    StreamEvent first = publish(TestEvents.message(next()));
    assertEquals(reset.streamIdText(), c.nextEvent().id());
    assertEquals(first.streamIdText(), c.nextEvent().id());
    // A new holder republishes the last term's tail: what this node has is dropped, a reset included.
    repair(reset);
    repair(first);
    // What this node missed (the dead holder's last event reached other nodes only) is delivered.
    StreamEvent missed = repair(TestEvents.message(next()));
    StreamEvent newTerm = publish(TestEvents.message(next()));
    assertEquals(missed.streamIdText(), c.nextEvent().id());
    assertEquals(newTerm.streamIdText(), c.nextEvent().id(), "no reset and no repeat in between");
    c.close();
    SseClient resumed = openReady("/api/stream", withLastId(t, first.streamIdText()), true);
    assertEquals(missed.streamIdText(), resumed.nextEvent().id(), "the filled event is in the replay window");
    assertEquals(newTerm.streamIdText(), resumed.nextEvent().id());
    resumed.close();
  }

  static StreamEvent repair(StreamEvent e) {
    vertx.eventBus().publish(Addresses.EVENTS, e, new io.vertx.core.eventbus.DeliveryOptions().addHeader(Addresses.REPAIR_HEADER, "1"));
    return e;
  }

  @Test
  void typingStartIsLiveButNeverReplayed() {
    String t = token(USER, GUILD);
    SseClient c = openReady("/api/stream", bearer(t), false);
    StreamEvent m1 = publish(TestEvents.message(next()));
    StreamEvent typing = publish(TestEvents.typing(next()));
    StreamEvent m3 = publish(TestEvents.message(next()));
    assertEquals(m1.streamIdText(), c.nextEvent().id());
    SseClient.Event live = c.nextEvent();
    assertEquals("typingStart", live.name());
    assertEquals(typing.streamIdText(), live.id());
    assertEquals(m3.streamIdText(), c.nextEvent().id());
    c.close();

    SseClient again = openReady("/api/stream", withLastId(t, m1.streamIdText()), true);
    assertEquals(m3.streamIdText(), again.nextEvent().id());
    assertNull(again.pollEvent(150));
    again.close();
  }

  @Test
  void commandStatusGoesOnlyToTheStreamsOfThatUser() {
    SseClient mine = openReady("/api/stream", bearer(token(USER, GUILD)), false);
    SseClient theirs = openReady("/api/stream", bearer(token(USER_2, GUILD)), false);
    vertx.eventBus().publish(Addresses.COMMAND_STATUS, new CommandStatus("cmd_1", "sendMessage", USER, GUILD, CHANNEL,
        "delivered", 1, null, null, null));
    SseClient.Event f = mine.nextEvent();
    assertEquals("commandStatus", f.name());
    assertNull(f.id());
    assertEquals("cmd_1", f.json().getString("commandId"));
    StreamEvent marker = publish(TestEvents.message(next()));
    assertEquals(marker.streamIdText(), theirs.nextEvent().id());
    mine.close();
    theirs.close();
  }

  @Test
  void voiceSnapshotThenResumeFromItsStreamIdLosesNothing() {
    String t = token(USER, GUILD);
    publish(TestEvents.joined(next(), USER, "ana", VOICE_CHANNEL));
    publish(TestEvents.joined(next(), USER_2, "bo", VOICE_CHANNEL));
    StreamEvent leave = publish(TestEvents.left(next(), USER, VOICE_CHANNEL));
    // Make sure both instances applied `leave`: a live stream sees a later marker.
    SseClient watcher = openReady("/api/stream", bearer(t), false);
    StreamEvent marker = publish(TestEvents.message(next()));
    assertEquals(marker.streamIdText(), watcher.nextEvent().id());
    watcher.close();

    var res = web.get(port, "127.0.0.1", "/api/guilds/" + GUILD + "/voice").putHeader("Authorization", "Bearer " + t).send().await();
    assertEquals(200, res.statusCode());
    JsonObject snap = res.bodyAsJsonObject();
    assertEquals(marker.streamIdText(), snap.getString("streamId"));
    var members = snap.getJsonObject("channels").getJsonArray(VOICE_CHANNEL);
    assertEquals(1, members.size());
    assertEquals(USER_2, members.getJsonObject(0).getString("userId"));
    assertTrue(leave.streamId() < marker.streamId());

    // Events after the snapshot, before the client connects: replayed from the snapshot's id.
    StreamEvent rejoin = publish(TestEvents.joined(next(), USER, "ana", VOICE_CHANNEL));
    SseClient c = openReady("/api/stream?types=voice.joined,voice.left", withLastId(t, snap.getString("streamId")), true);
    assertEquals(rejoin.streamIdText(), c.nextEvent().id());
    StreamEvent live = publish(TestEvents.left(next(), USER_2, VOICE_CHANNEL));
    assertEquals(live.streamIdText(), c.nextEvent().id());
    c.close();

    assertEquals(403, web.get(port, "127.0.0.1", "/api/guilds/" + OTHER_GUILD + "/voice")
        .putHeader("Authorization", "Bearer " + t).send().await().statusCode());
    assertEquals(401, web.get(port, "127.0.0.1", "/api/guilds/" + GUILD + "/voice").send().await().statusCode());
  }

  /**
   * On the wire: the head through Vert.x, then each event frame as its own HTTP chunk, written
   * below the HTTP encoder (a replay is one write of several chunks; had the frames gone through
   * Vert.x's response, the write would be one chunk holding them all), then the chunked terminator
   * at token expiry. A strict parser checks every chunk's size line and CRLF.
   */
  @Test
  void eachEventIsOneWellFramedChunkAndTheStreamEndsWithTheTerminator() throws Exception {
    String t = token(USER, GUILD);
    SseClient watcher = openReady("/api/stream", bearer(t), false);
    StreamEvent before = publish(TestEvents.message(next()));
    List<StreamEvent> sent = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sent.add(publish(TestEvents.message(next())));
    }
    while (!sent.get(2).streamIdText().equals(watcher.nextEvent().id())) {
      // all four are in the windows
    }
    watcher.close();
    String shortLived = StreamTestSupport.token(vertx, config, USER, List.of(GUILD), 3);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(("GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + shortLived
          + "\r\nLast-Event-ID: " + before.streamIdText() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
      assertEquals("HTTP/1.1 200 OK", asciiLine(in));
      boolean chunked = false;
      for (String h = asciiLine(in); !h.isEmpty(); h = asciiLine(in)) {
        chunked |= h.equalsIgnoreCase("transfer-encoding: chunked");
      }
      assertTrue(chunked);
      String head = chunk(in);
      assertTrue(head.startsWith("retry: 1500\n\n") && head.contains("event: ready"), head);
      for (int i = 0; i < 3; i++) {
        // one SSE frame per chunk, exactly the bytes SseFrames builds
        assertEquals(SseFrames.event(sent.get(i)).toString(), chunk(in));
      }
      // token expiry: Vert.x's end writes the terminator after the frames written below it
      String rest;
      do {
        rest = chunk(in);
      } while (rest != null && rest.startsWith("event: heartbeat"));
      assertNull(rest, "expected the chunked terminator, got " + rest);
      assertEquals("", asciiLine(in));
    }
  }

  /** One chunk's data (checked against its size line and trailing CRLF), or null for the terminator. */
  private static String chunk(java.io.DataInputStream in) throws java.io.IOException {
    int size = Integer.parseInt(asciiLine(in), 16);
    if (size == 0) {
      return null;
    }
    byte[] data = new byte[size];
    in.readFully(data);
    assertEquals("", asciiLine(in), "chunk not followed by CRLF");
    return new String(data, StandardCharsets.UTF_8);
  }

  private static String asciiLine(java.io.DataInputStream in) throws java.io.IOException {
    StringBuilder sb = new StringBuilder();
    for (int b = in.read(); ; b = in.read()) {
      if (b < 0) {
        throw new java.io.EOFException("after " + sb);
      }
      if (b == '\r') {
        assertEquals('\n', in.read(), "CR without LF");
        return sb.toString();
      }
      sb.append((char) b);
    }
  }

  @Test
  void tokenExpiryClosesTheStream() {
    String shortLived = StreamTestSupport.token(vertx, config, USER, List.of(GUILD), 2);
    SseClient c = openReady("/api/stream", bearer(shortLived), false);
    long opened = System.currentTimeMillis();
    c.ended().orTimeout(10, TimeUnit.SECONDS).join();
    assertTrue(System.currentTimeMillis() - opened >= 500, "closed too early");
  }

  @Test
  void slowClientIsCutOffWhileAFastClientKeepsReceiving() throws Exception {
    SseMetrics metrics = SseMetrics.of(Metrics.registry());
    double slowBefore = metrics.slowDisconnects.count();
    String t = token(USER, GUILD);
    SseClient fast = openReady("/api/stream", bearer(t), false);

    Socket slow = new Socket();
    slow.setReceiveBufferSize(4096);
    slow.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    OutputStream out = slow.getOutputStream();
    out.write(("GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + t + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    // Wait until the slow stream is registered: its ready frame shows in the socket's buffer.
    slow.setSoTimeout(5000);
    InputStream in = slow.getInputStream();
    byte[] head = new byte[64];
    assertTrue(in.read(head) > 0);

    String big = "x".repeat(1900);
    long maxLag = 0;
    int batches = 0;
    while (metrics.slowDisconnects.count() == slowBefore && batches < 60) {
      StreamEvent lastOfBatch = null;
      long start = System.currentTimeMillis();
      for (int i = 0; i < 100; i++) {
        lastOfBatch = publish(TestEvents.message(next(), GUILD, CHANNEL, big));
      }
      String want = lastOfBatch.streamIdText();
      while (!want.equals(fast.nextEvent().id())) {
        // the fast client reads every event of the batch
      }
      maxLag = Math.max(maxLag, System.currentTimeMillis() - start);
      batches++;
    }
    assertTrue(metrics.slowDisconnects.count() > slowBefore, "the slow client was never cut off");
    assertTrue(maxLag < 3000, "the fast client lagged " + maxLag + " ms");

    // The slow socket was closed by the server: reading drains what was buffered, then ends.
    boolean closed = false;
    try {
      byte[] sink = new byte[65536];
      while (in.read(sink) >= 0) {
        // drain
      }
      closed = true;
    } catch (SocketException e) {
      closed = true; // reset by the server
    }
    assertTrue(closed);
    slow.close();
    StreamEvent after = publish(TestEvents.message(next()));
    assertEquals(after.streamIdText(), fast.nextEvent().id());
    fast.close();
  }

  @Test
  void heartbeatsComeWhenNothingElseIsWritten() {
    Vertx own = Vertx.vertx();
    try {
      StreamTestSupport.registerCodec(own);
      int p = StreamTestSupport.freePort();
      BridgeConfig c = BridgeConfig.parse(StreamTestSupport.baseConfig(p).put("SSE_HEARTBEAT_MS", 200));
      StreamTestSupport.deploy(own, c, 1);
      HttpClient client = own.createHttpClient();
      SseClient s = SseClient.open(p, "/api/stream", bearer(StreamTestSupport.token(own, c, USER, List.of(GUILD), 60)));
      assertEquals(200, s.status());
      s.next();
      long readyAt = s.next().at();
      List<Long> at = new ArrayList<>();
      List<Long> ts = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        SseClient.Event f = s.next();
        assertEquals("heartbeat", f.name());
        assertNull(f.id());
        assertEquals(24, f.json().getString("ts").length());
        at.add(f.at());
        ts.add(java.time.Instant.parse(f.json().getString("ts")).toEpochMilli());
      }
      // Arrival times jitter on a loaded machine (a late ready makes the first gap look short):
      // the first heartbeat is only required to come, the spacing is checked on the server's ts.
      long firstGap = at.get(0) - readyAt;
      assertTrue(firstGap < 2_000, "first heartbeat after " + firstGap + " ms");
      for (int i = 1; i < ts.size(); i++) {
        long gap = ts.get(i) - ts.get(i - 1);
        assertTrue(gap >= 200 && gap < 2_000, "heartbeat gap " + gap + " ms (server time)");
      }
      // An event resets the clock: no heartbeat right after it.
      own.eventBus().publish(Addresses.EVENTS, TestEvents.message(next()));
      SseClient.Event e = s.next();
      assertEquals("messageCreate", e.name());
      SseClient.Event hb = s.next();
      assertEquals("heartbeat", hb.name());
      assertTrue(hb.at() - e.at() >= 150, "heartbeat " + (hb.at() - e.at()) + " ms after an event");
      assertFalse(StreamIds.parse(e.id()) < 0);
    } finally {
      own.close().await();
    }
  }

  @Test
  void lateStartingInstanceAdoptsASiblingsWindow() {
    Vertx own = Vertx.vertx();
    try {
      StreamTestSupport.registerCodec(own);
      int p = StreamTestSupport.freePort();
      BridgeConfig c = BridgeConfig.parse(StreamTestSupport.baseConfig(p));
      StreamTestSupport.deploy(own, c, 1);
      List<StreamEvent> early = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        early.add(TestEvents.message(next()));
        own.eventBus().publish(Addresses.EVENTS, early.get(i));
      }
      HttpClient client = own.createHttpClient(new HttpClientOptions().setKeepAlive(false));
      String t = StreamTestSupport.token(own, c, USER, List.of(GUILD), 60);
      // The first instance has seen the events once a live stream receives a later one.
      SseClient watcher = SseClient.open(p, "/api/stream", bearer(t));
      watcher.next();
      watcher.next();
      StreamEvent marker = TestEvents.message(next());
      own.eventBus().publish(Addresses.EVENTS, marker);
      assertEquals(marker.streamIdText(), watcher.nextEvent().id());
      watcher.close();

      StreamTestSupport.deploy(own, c, 1); // a second instance on the same port, started late
      // Connections alternate between the two instances: every one of them must resume.
      for (int i = 0; i < 4; i++) {
        SseClient s = SseClient.open(p, "/api/stream", withLastId(t, early.get(0).streamIdText()));
        assertEquals(200, s.status());
        s.next();
        assertEquals(true, s.next().json().getBoolean("resumed"), "connection " + i);
        for (int k = 1; k < early.size(); k++) {
          assertEquals(early.get(k).streamIdText(), s.nextEvent().id());
        }
        assertEquals(marker.streamIdText(), s.nextEvent().id());
        s.close();
      }
    } finally {
      own.close().await();
    }
  }
}
