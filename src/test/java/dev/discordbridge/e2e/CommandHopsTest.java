package dev.discordbridge.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.app.Node;
import dev.discordbridge.sim.Roster;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The command path's floor plan, counted on a whole node (docs/architecture.md, "The command
 * path"): an accepted command crosses at most two bus hops from the edge to the upstream, side
 * checks included (the rate limiter, the buckets, the idempotency store). A request and its reply
 * count as one hop; publishes (the command's status for the streams) are not on its way.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CommandHopsTest {
  static final String GUILD = Roster.NIGHT_OWLS;
  static final String CHANNEL = "1181471853712130052";
  Node node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.stop().await();
    }
  }

  @Test
  void anAcceptedCommandCrossesAtMostTwoBusHops() {
    node = E2e.start(new JsonObject().put("COMMAND_ACK_WAIT_MS", "5000"));
    E2e.awaitReady(node, 200);
    String token = E2e.token(node, "1300000000000000001", List.of(GUILD));
    // Warm: the first command also builds what is built lazily.
    assertEquals(200, E2e.command(node, "sendMessage", token,
        new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL).put("content", "warm"),
        "Idempotency-Key", "warm-1").status());

    List<String> sends = new CopyOnWriteArrayList<>();
    node.vertx().eventBus().addOutboundInterceptor(ctx -> {
      String address = ctx.message().address();
      // Point-to-point sends only: a reply completes its request's hop, a publish is nobody's wait.
      if (ctx.send() && !address.startsWith("__vertx.reply")) {
        sends.add(address + " (" + ctx.body().getClass().getSimpleName() + ")");
      }
      ctx.next();
    });
    var answer = E2e.command(node, "sendMessage", token,
        new JsonObject().put("guildId", GUILD).put("channelId", CHANNEL).put("content", "counted"),
        "Idempotency-Key", "counted-1");
    assertEquals(200, answer.status(), answer.body());
    List<String> onTheWay = List.copyOf(sends);
    assertTrue(onTheWay.size() <= 2, "bus hops of one command (edge to upstream, side checks included): " + onTheWay);
    assertTrue(onTheWay.stream().anyMatch(s -> s.startsWith("bridge.gateway.command")), "it reached the link holder: " + onTheWay);
  }
}
