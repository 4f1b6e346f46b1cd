package dev.discordbridge.edge.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.edge.TestEvents;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class SseFramesTest {
  @Test
  void eventFrameCarriesIdNameAndTheSerializedEvent() {
    StreamEvent e = TestEvents.message(7);
    String text = SseFrames.event(e).toString();
    assertEquals("id: " + e.streamIdText() + "\nevent: messageCreate\ndata: " + e.json() + "\n\n", text);
    JsonObject data = new JsonObject(text.substring(text.indexOf("data: ") + 6).trim());
    assertEquals(e.streamIdText(), data.getString("id"));
    assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", data.getJsonObject("trace").getString("traceId"));
  }

  @Test
  void controlFrames() {
    assertEquals("retry: 2000\n\n", SseFrames.retry(2000).toString());
    assertEquals("event: ready\ndata: {\"resumed\":true}\n\n", SseFrames.ready(true).toString());
    assertEquals("event: ready\ndata: {\"resumed\":false}\n\n", SseFrames.ready(false).toString());
    assertEquals("id: 0000000000000000042\nevent: reset\ndata: {\"reason\":\"x\"}\n\n",
        SseFrames.reset(42, "{\"reason\":\"x\"}").toString());
    assertEquals("event: reset\ndata: {}\n\n", SseFrames.reset(-1, "{}").toString());
    assertEquals("event: heartbeat\ndata: {\"ts\":\"1970-01-01T00:00:01.000Z\"}\n\n", SseFrames.heartbeat(1000).toString());
  }

  @Test
  void payloadWithLineBreaksStaysOnOneDataLine() {
    StreamEvent e = TestEvents.message(8, TestEvents.GUILD, TestEvents.CHANNEL, "two\nlines\r\n");
    String text = SseFrames.event(e).toString();
    assertEquals(4, text.split("\n", -1).length - 1, text);
    assertTrue(text.endsWith("\n\n"));
  }
}
