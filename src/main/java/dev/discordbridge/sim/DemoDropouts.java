package dev.discordbridge.sim;

import dev.discordbridge.bus.DemoDropoutOutcome;
import dev.discordbridge.contract.Times;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo dropout ({@code POST /api/demo/dropout}) in the simulated world: puts a demo user in a
 * voice channel (unless the user is in one already), then after {@link #DROP_AFTER_MS} drops the
 * connection: {@code voice.left} with reason {@code disconnected} for that very channel, so the
 * page shows the user there first. Runs on the hub's context.
 */
final class DemoDropouts {
  private static final Logger log = LoggerFactory.getLogger(DemoDropouts.class);
  static final long DROP_AFTER_MS = 1_500;

  private final Vertx vertx;
  private final Roster roster;
  /** Appends an event to the hub's current session; false when no bridge is linked. */
  private final Predicate<JsonObject> emit;
  /** Demo users the dropout put in a voice channel (user id → channel). */
  private final Map<String, Roster.Channel> demoVoice = new HashMap<>();
  /** Demo dropouts under way (user id → the outcome given), so a second click does not stack another. */
  private final Map<String, DemoDropoutOutcome> pending = new HashMap<>();

  DemoDropouts(Vertx vertx, Roster roster, Predicate<JsonObject> emit) {
    this.vertx = vertx;
    this.roster = roster;
    this.emit = emit;
  }

  DemoDropoutOutcome drop(String userId, boolean linked) {
    Roster.User user = roster.user(userId);
    if (user == null || user.simulated()) {
      return DemoDropoutOutcome.NOT_A_DEMO_USER;
    }
    if (!linked) {
      return DemoDropoutOutcome.NOT_LINKED;
    }
    DemoDropoutOutcome earlier = pending.get(user.id());
    if (earlier != null) {
      return earlier.again();
    }
    Roster.Channel channel = demoVoice.get(user.id());
    boolean joined = channel == null;
    if (joined) {
      List<Roster.Channel> voice = roster.guilds().stream().flatMap(g -> g.voice().stream()).toList();
      channel = voice.get(new Random().nextInt(voice.size()));
      demoVoice.put(user.id(), channel);
      emit.test(HubEvents.voiceJoined(channel.guildId(), channel.id(), user.id(), user.username()));
    }
    Roster.Channel target = channel;
    var outcome = new DemoDropoutOutcome(DemoDropoutOutcome.Status.SCHEDULED, target.guildId(), target.id(),
        target.name(), joined, Times.format(System.currentTimeMillis() + DROP_AFTER_MS));
    pending.put(user.id(), outcome);
    vertx.setTimer(DROP_AFTER_MS, t -> {
      pending.remove(user.id());
      demoVoice.remove(user.id());
      emit.test(HubEvents.voiceLeft(target.guildId(), target.id(), user.id(), "disconnected"));
    });
    log.info("simulated hub: demo dropout for {} in voice channel {} (joined: {})", user.username(), target.name(), joined);
    return outcome;
  }
}
