package dev.discordbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.contract.LinkFrames;
import dev.discordbridge.sim.Roster;
import dev.discordbridge.sim.TestHub;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 19 item 1 through a whole node over real HTTP and the hub's real WebSocket: a retryable
 * refusal (with no {@code retryAfterMs}, or with it as JSON null) is retried and delivered, the
 * channel's later commands flow, and a storm of retryable refusals that opens the breaker ends
 * with every queued command delivered once; the oldest waiting command's age is a gauge.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CommandQueueStallTest {
  static final String GUILD = Roster.NIGHT_OWLS;
  Node node;

  @BeforeAll
  void start() {
    node = E2e.start(new JsonObject()
        .put("RATE_LIMIT_USER", "1000/1s").put("RATE_LIMIT_CHANNEL", "1000/1s")
        .put("COMMAND_ACK_WAIT_MS", "3000").put("COMMAND_ATTEMPT_TIMEOUT_MS", "2500")
        .put("COMMAND_BACKOFF_BASE_MS", "20").put("COMMAND_BACKOFF_MAX_MS", "100")
        .put("COMMAND_MAX_ATTEMPTS", "10"));
    E2e.awaitReady(node, 200);
  }

  @AfterAll
  void stop() {
    node.stop().await();
  }

  @AfterEach
  void defaultHub() {
    hub().onCommand(null);
  }

  TestHub hub() {
    return (TestHub) node.simulatedHub();
  }

  static String snowflake() {
    return "13" + String.format("%017d", ThreadLocalRandom.current().nextLong(100_000_000_000_000_000L));
  }

  static JsonObject message(String channel, String content) {
    return new JsonObject().put("guildId", GUILD).put("channelId", channel).put("content", content);
  }

  static JsonObject ok(JsonObject command) {
    return LinkFrames.ackOk(command.getString("id"), new JsonObject().put("messageId", snowflake()));
  }

  /** The hub's BUSY refusal, retryable, with {@code retryAfterMs} left out ({@code absent}) or written as null. */
  static JsonObject busy(JsonObject command, boolean absent) {
    JsonObject ack = LinkFrames.ackError(command.getString("id"), "BUSY", "x", true, null);
    if (absent) {
      ack.getJsonObject("error").remove("retryAfterMs");
    }
    return ack;
  }

  long framesAtHub(String commandId) {
    return E2e.commandIdsAtHub(node).stream().filter(commandId::equals).count();
  }

  void retryableRefusalIsRetriedAndTheChannelFlows(boolean absent) {
    String user = snowflake();
    String channel = snowflake();
    String token = E2e.token(node, user, List.of(GUILD));
    AtomicBoolean refused = new AtomicBoolean();
    hub().onCommand(c -> refused.compareAndSet(false, true) ? busy(c, absent) : ok(c));

    E2e.Response first = E2e.command(node, "sendMessage", token, message(channel, "first"));
    String firstId = first.json().getString("commandId");
    E2e.await(10_000, "the refused command sent again", () -> framesAtHub(firstId) == 2);
    assertEquals(200, first.status(), "delivered by its retry within the ack wait: " + first.body());

    E2e.Response second = E2e.command(node, "sendMessage", token, message(channel, "second"));
    assertEquals(200, second.status(), "the channel's next command is not stuck behind the first: " + second.body());
    assertEquals("delivered", second.json().getString("status"));
    assertEquals(1, framesAtHub(second.json().getString("commandId")));
  }

  @Test
  void aRetryableRefusalWithoutRetryAfterIsRetriedAndTheChannelFlows() {
    retryableRefusalIsRetriedAndTheChannelFlows(true);
  }

  @Test
  void aRetryableRefusalWithRetryAfterNullIsRetriedAndTheChannelFlows() {
    retryableRefusalIsRetriedAndTheChannelFlows(false);
  }

  /**
   * A storm: every attempt refused (retryable) until the breaker opens (5 failures) and stays so
   * for a while, with commands of many channels queued; then the hub recovers. The breaker gets
   * its probe, closes, and every command is delivered, each exactly once; while they wait the
   * oldest-waiting gauge shows their age, and it is 0 after.
   */
  @Test
  void afterAStormOfRetryableRefusalsTheBreakerProbesAndEveryCommandIsDelivered() {
    String token = E2e.token(node, snowflake(), List.of(GUILD));
    AtomicBoolean storm = new AtomicBoolean(true);
    AtomicInteger refusals = new AtomicInteger();
    Map<String, Integer> delivered = new ConcurrentHashMap<>();
    Function<JsonObject, JsonObject> answer = c -> {
      if (storm.get()) {
        refusals.incrementAndGet();
        return busy(c, refusals.get() % 2 == 0);
      }
      delivered.merge(c.getString("id"), 1, Integer::sum);
      return ok(c);
    };
    hub().onCommand(answer);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      E2e.Response r = E2e.command(node, "sendMessage", token, message(snowflake(), "storm-" + i));
      assertEquals(202, r.status(), r.body());
      ids.add(r.json().getString("commandId"));
      if (i == 0) {
        E2e.await(10_000, "the breaker open", () -> E2e.metric(node, "bridge_command_breaker_state") == 2);
      }
    }
    E2e.await(10_000, "the oldest waiting command's age shown",
        () -> E2e.metric(node, "bridge_commands_oldest_waiting_seconds") >= 1);
    double oldest = E2e.metric(node, "bridge_commands_oldest_waiting_seconds");
    long recovered = System.nanoTime();
    storm.set(false);
    E2e.await(45_000, "every queued command delivered after the storm (delivered so far: " + delivered.keySet() + ")",
        () -> ids.stream().allMatch(delivered::containsKey));
    ids.forEach(id -> assertEquals(1, delivered.get(id), "delivered once: " + id));
    System.out.printf("CommandQueueStallTest: storm of %d retryable refusals, oldest waiting %.1f s; all %d commands "
        + "delivered once %d ms after the hub recovered%n", refusals.get(), oldest, ids.size(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recovered));
    E2e.await(5_000, "nothing waits any more", () -> E2e.metric(node, "bridge_commands_oldest_waiting_seconds") == 0);
    assertEquals(0, E2e.metric(node, "bridge_command_breaker_state"));
  }
}
