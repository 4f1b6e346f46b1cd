package dev.discordbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.sim.Roster;
import dev.discordbridge.sim.HubEvents;
import dev.discordbridge.sim.SimulatedHub;
import dev.discordbridge.testing.SseClient;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fault (issue 9, item 8): a {@code reset} written before the node had relayed any event had no
 * {@code id:} line, so EventSource kept resending its old id and was reset on every reconnect.
 * A real SSE client over HTTP, a node that has relayed nothing yet (no generated traffic).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResetIdTest {
  static final String GUILD = Roster.NIGHT_OWLS;
  static final String TEXT = "1181471853712130052";
  static final String ANA = "1098764523409876481";
  /** A well-formed id no window holds: from an earlier deployment. */
  static final String OLD_ID = "0000000004294967299";
  Node node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop().await();
    }
  }

  @Test
  void aResetBeforeAnyEventCarriesTheHeadIdAndResumingFromItIsClean() throws Exception {
    node = E2e.start(new JsonObject());
    E2e.awaitReady(node, 200);
    String token = E2e.token(node, ANA, List.of(GUILD));

    // Several streams, so that every router instance answers at least once (connections are spread).
    String resetId = null;
    for (int i = 0; i < 6; i++) {
      try (SseClient c = SseClient.open(E2e.base(node), "/api/stream", token, OLD_ID)) {
        assertEquals(200, c.status());
        SseClient.Event ready = E2e.nonNull(c.next("ready", 5_000), "ready");
        assertFalse(ready.json().getBoolean("resumed"));
        SseClient.Event reset = E2e.nonNull(c.next(5_000), "reset");
        assertEquals("reset", reset.name());
        assertNotNull(reset.id(), "a reset written before any event must carry the current position");
        assertTrue(reset.id().compareTo(OLD_ID) > 0, reset.id());
        if (resetId != null) {
          assertEquals(resetId, reset.id(), "nothing happened in between: the same position");
        }
        resetId = reset.id();
      }
    }

    // EventSource now resends the reset's id: it is resumed, not reset again, and misses nothing.
    try (SseClient a = SseClient.open(E2e.base(node), "/api/stream", token, resetId);
         SseClient b = SseClient.open(E2e.base(node), "/api/stream", token, resetId)) {
      for (SseClient c : List.of(a, b)) {
        SseClient.Event ready = E2e.nonNull(c.next("ready", 5_000), "ready");
        assertTrue(ready.json().getBoolean("resumed"), "resumed from the reset's id");
      }
      node.simulatedHub().emit(HubEvents.messageCreate(GUILD, TEXT, ANA, "ana", "after the reset")).await();
      for (SseClient c : List.of(a, b)) {
        SseClient.Event e = E2e.nonNull(c.next("messageCreate", 5_000), "the first event after the reset");
        assertTrue(e.id().compareTo(resetId) > 0);
        assertEquals("after the reset", e.json().getJsonObject("data").getString("content"));
      }
    }
  }

  @Test
  void anUnparseableLastEventIdGetsAResetWithAnIdToo() throws Exception {
    node = E2e.start(new JsonObject());
    E2e.awaitReady(node, 200);
    String token = E2e.token(node, ANA, List.of(GUILD));
    for (int i = 0; i < 4; i++) {
      try (SseClient c = SseClient.open(E2e.base(node), "/api/stream", token, "not-an-id")) {
        E2e.nonNull(c.next("ready", 5_000), "ready");
        SseClient.Event reset = E2e.nonNull(c.next("reset", 5_000), "reset");
        assertNotNull(reset.id(), "reset " + i + " has an id");
      }
    }
  }
}
