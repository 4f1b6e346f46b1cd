package dev.discordbridge.edge;

import static dev.discordbridge.edge.StreamTestSupport.bearer;
import static dev.discordbridge.edge.TestEvents.CHANNEL;
import static dev.discordbridge.edge.TestEvents.GUILD;
import static dev.discordbridge.edge.TestEvents.USER;
import static dev.discordbridge.edge.TestEvents.USER_2;
import static dev.discordbridge.edge.TestEvents.VOICE_CHANNEL;
import static dev.discordbridge.edge.TestEvents.VOICE_CHANNEL_2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.bus.Addresses;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
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
 * Contract section 9, every mode: a token's {@code channels} claim narrows the stream (live and
 * replayed) and voice presence to those channels, over real HTTP with two router instances.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChannelClaimStreamTest {
  static final String HIDDEN = "334455667788990099";
  static Vertx vertx;
  static WebClient web;
  static BridgeConfig config;
  static int port;
  static final AtomicLong counter = new AtomicLong(1);

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    StreamTestSupport.registerCodec(vertx);
    port = StreamTestSupport.freePort();
    config = BridgeConfig.parse(StreamTestSupport.baseConfig(port).put("SSE_REPLAY_WINDOW", 100));
    StreamTestSupport.deploy(vertx, config, 2);
    web = WebClient.create(vertx);
  }

  @AfterAll
  static void tearDown() {
    vertx.close().await();
  }

  static String narrowed(String... channels) {
    return new Authenticator(vertx, config.auth()).mint(USER, List.of(GUILD), List.of(channels), 600);
  }

  static StreamEvent publish(StreamEvent e) {
    vertx.eventBus().publish(Addresses.EVENTS, e);
    return e;
  }

  static long next() {
    return counter.getAndIncrement();
  }

  static SseClient openReady(Map<String, String> headers, String query) {
    SseClient c = SseClient.open(port, "/api/stream" + query, headers);
    assertEquals(200, c.status(), c.body());
    c.next(); // retry
    assertEquals("ready", c.next().name());
    return c;
  }

  @Test
  void liveAndReplayedEventsOfOtherChannelsAreNeverWritten() {
    String t = narrowed(CHANNEL, VOICE_CHANNEL);
    SseClient anchored = openReady(bearer(t), "");
    StreamEvent ping = publish(TestEvents.message(next()));
    assertEquals(ping.streamIdText(), anchored.nextEvent().id()); // both instances have the anchor
    anchored.close();
    SseClient live = openReady(bearer(t), "");
    publish(TestEvents.message(next(), GUILD, HIDDEN, "staff only"));
    StreamEvent seen = publish(TestEvents.message(next()));
    publish(TestEvents.joined(next(), USER_2, "bo", VOICE_CHANNEL_2));
    StreamEvent voice = publish(TestEvents.joined(next(), USER_2, "bo", VOICE_CHANNEL));
    assertEquals(seen.streamIdText(), live.nextEvent().id());
    assertEquals(voice.streamIdText(), live.nextEvent().id());
    assertNull(live.pollEvent(300), "nothing of another channel");
    live.close();

    Map<String, String> resume = new HashMap<>(bearer(t));
    resume.put("Last-Event-ID", ping.streamIdText());
    SseClient replay = openReady(resume, "");
    assertEquals(seen.streamIdText(), replay.nextEvent().id());
    assertEquals(voice.streamIdText(), replay.nextEvent().id());
    assertNull(replay.pollEvent(300), "the replay skips the other channels too");
    replay.close();
  }

  @Test
  void askingForAChannelOutsideTheClaimIs403MissingViewChannel() {
    var res = web.get(port, "127.0.0.1", "/api/stream?channel=" + HIDDEN)
        .putHeader("Authorization", "Bearer " + narrowed(CHANNEL)).send().await();
    assertEquals(403, res.statusCode());
    JsonObject error = res.bodyAsJsonObject().getJsonObject("error");
    assertEquals("FORBIDDEN", error.getString("code"));
    assertEquals("MISSING_PERMISSION", error.getString("reason"));
    assertEquals("VIEW_CHANNEL", error.getString("permission"));
  }

  @Test
  void voicePresenceLeavesOutTheChannelsOutsideTheClaim() {
    String t = narrowed(CHANNEL, VOICE_CHANNEL);
    publish(TestEvents.joined(next(), USER, "ana", VOICE_CHANNEL));
    StreamEvent last = publish(TestEvents.joined(next(), USER_2, "bo", VOICE_CHANNEL_2));
    // both router instances applied the events once a live stream sees a later one
    SseClient watcher = openReady(bearer(t), "");
    StreamEvent marker = publish(TestEvents.message(next()));
    assertEquals(marker.streamIdText(), watcher.nextEvent().id());
    watcher.close();
    assertTrue(last.streamId() < marker.streamId());

    JsonObject channels = web.get(port, "127.0.0.1", "/api/guilds/" + GUILD + "/voice")
        .putHeader("Authorization", "Bearer " + t).send().await().bodyAsJsonObject().getJsonObject("channels");
    assertTrue(channels.containsKey(VOICE_CHANNEL), channels.encode());
    assertTrue(!channels.containsKey(VOICE_CHANNEL_2), "a channel outside the claim is absent: " + channels.encode());
  }
}
