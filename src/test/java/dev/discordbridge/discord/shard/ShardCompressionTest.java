package dev.discordbridge.discord.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** zlib-stream over real sockets (messages split across WebSocket messages or frames) and multi-MiB messages. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ShardCompressionTest extends ShardTestSupport {
  private static final String GUILD = "300000000000000001";

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    startFake(vertx);
  }

  @ParameterizedTest
  @CsvSource({"1, false", "3, false", "4, true"})
  void zlibStreamMessagesAreInflatedWithOneContextPerConnection(int parts, boolean asFragments) throws Exception {
    fake.splitCompressed(parts, asFragments);
    var probe = new ShardProbe();
    var s = ready(options().withCompress(true), probe);
    for (int i = 0; i < 20; i++) {
      await(fake.dispatch(0, "MESSAGE_CREATE", new JsonObject().put("n", i).put("content", "hello hello hello " + i)));
    }
    await(probe.when(() -> probe.count("MESSAGE_CREATE") == 20));
    for (int i = 0; i < 20; i++) {
      assertEquals("hello hello hello " + i, probe.dispatches.get(i + 1).d().getString("content"));
    }
    // A new connection gets a new zlib context on both sides.
    await(fake.requestReconnect(0));
    await(fake.dispatch(0, "MESSAGE_CREATE", new JsonObject().put("n", 99)));
    await(probe.when(() -> probe.count("RESUMED") == 1 && probe.count("MESSAGE_CREATE") == 21));
    assertEquals(ShardState.READY, s.state());
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aFiveMebibyteGuildCreateIsAccepted(boolean compress) throws Exception {
    var probe = new ShardProbe();
    ready(options().withCompress(compress), probe);
    var voice = new JsonArray().add(new JsonObject().put("user_id", "200000000000000003")
        .put("channel_id", "400000000000000001").put("session_id", "x"));
    await(fake.bigGuildCreate(0, GUILD, 5 * 1024 * 1024, voice));
    await(probe.when(() -> probe.count("GUILD_CREATE") == 1));
    var d = probe.dispatches.get(1).d();
    assertEquals(GUILD, d.getString("id"));
    assertTrue(d.encode().length() >= 5 * 1024 * 1024);
    assertEquals(1, d.getJsonArray("voice_states").size());
    assertTrue(fake.clientCloses().isEmpty());
  }
}
