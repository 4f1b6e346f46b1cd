package dev.discordbridge.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.CommandOutcome.Code;
import dev.discordbridge.bus.CommandOutcome.FieldProblem;
import dev.discordbridge.bus.CommandOutcome.Refusal;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command and rate-limit records cross the cluster intact, and refuse what they cannot mean. */
class CommandMessagesTest {

  private static <T extends Record> T overTheWire(Class<T> type, T message) {
    var codec = new RecordCodec<>(type);
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, message);
    return codec.decodeFromWire(0, wire);
  }

  @Test
  void everyKindOfOutcomeCrossesTheWire() {
    var refusal = new Refusal(Code.VALIDATION_FAILED, "bad", List.of(new FieldProblem("emoji.id", "must be an id")),
        null, null, null, null, null);
    for (var o : List.of(CommandOutcome.delivered("cmd_1", new JsonObject().put("messageId", "1")),
        CommandOutcome.queued("cmd_2").asReplay(), CommandOutcome.refused(refusal),
        CommandOutcome.refused(new Refusal(Code.RATE_LIMITED, "slow", null, null, "user", 1500L, null, null)),
        CommandOutcome.refused(new Refusal(Code.FORBIDDEN, "no", null, null, null, null, null, "MISSING_PERMISSION",
            "SEND_MESSAGES")))) {
      assertEquals(o, overTheWire(CommandOutcome.class, o));
      assertEquals(o, CommandOutcome.fromJson(o.toJson()));
    }
  }

  @Test
  void requestsStatusesAndDecisionsCrossTheWire() {
    var request = new CommandRequest("0af7651916cd43dd8448eb211c80319c", "sendMessage", "1", List.of("2", "3"),
        "cookie", new JsonObject().put("content", "hi"), "k-1", null);
    assertEquals(request, overTheWire(CommandRequest.class, request));
    var narrowed = new CommandRequest("0af7651916cd43dd8448eb211c80319c", "sendMessage", "1", List.of("2"), List.of("4"),
        "cookie", new JsonObject().put("content", "hi"), null, null);
    assertEquals(narrowed, overTheWire(CommandRequest.class, narrowed));
    var status = new CommandStatus("cmd_1", "sendMessage", "1", "2", "3", "failed", 2, "t", "2026-01-01T00:00:00.000Z",
        new JsonObject().put("code", "TIMEOUT"));
    assertEquals(status, overTheWire(CommandStatus.class, status));
    assertEquals(RateDecision.refused("channel", 900), overTheWire(RateDecision.class, RateDecision.refused("channel", 900)));
    var report = new CommandDrain.Report(2, "file", 300, false, 1200L);
    assertEquals(report, overTheWire(CommandDrain.Report.class, report));
  }

  @Test
  void aStatusFrameHasNoErrorKeyWithoutAnError() {
    var status = new CommandStatus("cmd_1", "typingStart", "1", "2", "3", "delivered", 1, "t", "now", null);
    assertTrue(!status.toJson().containsKey("error"));
    assertEquals(List.of("commandId", "name", "userId", "guildId", "channelId", "status", "attempt", "traceId", "at"),
        List.copyOf(status.toJson().fieldNames()));
  }

  @Test
  void inconsistentMessagesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new CommandOutcome(CommandOutcome.Status.REFUSED, null, null, null, false));
    assertThrows(IllegalArgumentException.class, () -> new CommandOutcome(CommandOutcome.Status.QUEUED, null, null, null, false));
    assertThrows(IllegalArgumentException.class, () -> new RateDecision(false, null, 10));
    assertThrows(NullPointerException.class, () -> new RateCheck(null, "c", null));
    assertThrows(IllegalArgumentException.class, () -> new CommandDrain(-1));
  }
}
