package dev.discordbridge.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.discordbridge.contract.ContractViolation;
import dev.discordbridge.contract.LinkFrame;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InboundFrameTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "not json at all|bad_json",
      "[1,2,3]|bad_json",
      "{\"v\":2,\"type\":\"hello\"}|bad_version",
      "{\"v\":\"1\",\"type\":\"hello\"}|bad_version",
      "{\"type\":\"hello\"}|bad_version",
      "{\"v\":1,\"type\":\"party\"}|unknown_type",
      "{\"v\":1}|unknown_type",
      "{\"v\":1,\"type\":\"heartbeat\"}|unknown_type",
      "{\"v\":1,\"type\":\"hello\",\"heartbeatIntervalMs\":100}|bad_frame",
      "{\"v\":1,\"type\":\"hello\",\"sessionId\":\"s\",\"heartbeatIntervalMs\":0}|bad_frame",
      "{\"v\":1,\"type\":\"hello\",\"sessionId\":\"s\",\"heartbeatIntervalMs\":100,\"resumable\":\"yes\"}|bad_frame",
      "{\"v\":1,\"type\":\"event\",\"seq\":1.5,\"event\":{}}|bad_frame",
      "{\"v\":1,\"type\":\"event\",\"seq\":-1,\"event\":{}}|bad_frame",
      "{\"v\":1,\"type\":\"ack\",\"ok\":true}|bad_frame",
      "{\"v\":1,\"type\":\"ack\",\"commandId\":\"c\",\"ok\":\"yes\"}|bad_frame",
  })
  void rejectsWithAStableReason(String text, String reason) {
    ContractViolation v = assertThrows(ContractViolation.class, () -> InboundFrame.parse(text));
    assertEquals(reason, v.reason());
  }

  @Test
  void acceptsTheHubsFrames() {
    assertEquals(new LinkFrame.Hello("s1", 5000, true),
        InboundFrame.parse("{\"v\":1,\"type\":\"hello\",\"sessionId\":\"s1\",\"heartbeatIntervalMs\":5000,\"resumable\":true}"));
    assertEquals(new LinkFrame.HeartbeatAck(), InboundFrame.parse("{\"v\":1,\"type\":\"heartbeatAck\"}"));
    assertEquals(new LinkFrame.Event(3L, new JsonObject()), InboundFrame.parse("{\"v\":1,\"type\":\"event\",\"seq\":3,\"event\":{}}"));
    assertEquals(new LinkFrame.Ack("cmd_1", false, null, new JsonObject()),
        InboundFrame.parse("{\"v\":1,\"type\":\"ack\",\"commandId\":\"cmd_1\",\"ok\":false,\"error\":{}}"));
    assertEquals("ack", InboundFrame.parse("{\"v\":1,\"type\":\"ack\",\"commandId\":\"cmd_1\",\"ok\":true}").type());
  }

  @Test
  void dropsOversizedFramesUnread() {
    String big = "{\"v\":1,\"type\":\"event\",\"pad\":\"" + "x".repeat(InboundFrame.MAX_CHARS) + "\"}";
    assertEquals("too_large", assertThrows(ContractViolation.class, () -> InboundFrame.parse(big)).reason());
  }
}
