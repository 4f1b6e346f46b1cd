package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusCodecs;
import dev.discordbridge.bus.ChannelUpdate.Channel;
import dev.discordbridge.bus.ChannelUpdate.Kind;
import dev.discordbridge.bus.ChannelUpdate;
import dev.discordbridge.bus.ShardStatus;
import dev.discordbridge.discord.ChannelDirectory.Answer;
import dev.discordbridge.testing.Poll;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node's copy of the channel index: what it answers before its guild's channels arrive, and
 * how a node that starts late learns the index from the link holder (two directories on one bus
 * stand for two nodes).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChannelDirectoryTest {
  static final String G = "1181471853712130048";
  static final String TEXT = "1181471853712130052";

  Vertx vertx;
  final AtomicLong clock = new AtomicLong(1_000_000);

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    BusCodecs.register(vertx.eventBus());
  }

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  /** Runs on a context of its own, as LinkVerticle does. */
  <T> T on(Context ctx, Supplier<T> work) {
    Promise<T> p = Promise.promise();
    ctx.runOnContext(v -> p.complete(work.get()));
    return p.future().await();
  }

  ChannelDirectory directory(Context ctx, boolean holder) {
    return on(ctx, () -> new ChannelDirectory(vertx, () -> holder, clock::get));
  }

  static ChannelUpdate guild() {
    return new ChannelUpdate(Kind.GUILD, G, List.of(new Channel(TEXT, null, 0)), null, "n1");
  }

  @Test
  void anUnknownGuildIsNotYetUntilItsShardHasBeenReadyForTheGrace() {
    Context ctx = vertx.getOrCreateContext();
    ChannelDirectory d = directory(ctx, false);
    assertEquals(Answer.NOT_YET, on(ctx, () -> d.decide(G, TEXT)), "no shard has reported");
    on(ctx, () -> {
      d.onShardStatus(new ShardStatus(0, 1, "n1", "ready", null, "s", 1L, null, false));
      return null;
    });
    assertEquals(Answer.NOT_YET, on(ctx, () -> d.decide(G, TEXT)), "its GUILD_CREATE may still come");
    clock.addAndGet(ChannelDirectory.STATE_GRACE_MS);
    assertEquals(Answer.NOT_IN_GUILD, on(ctx, () -> d.decide(G, TEXT)), "the bot is not in that guild");
  }

  @Test
  void aCommandWaitingForItsGuildIsAnsweredWhenTheChannelsArrive() {
    Context ctx = vertx.getOrCreateContext();
    ChannelDirectory d = directory(ctx, false);
    Future<Answer> waiting = on(ctx, () -> d.check(G, TEXT));
    vertx.eventBus().publish(Addresses.DISCORD_CHANNELS, guild());
    assertEquals(Answer.IN_GUILD, waiting.await());
  }

  @Test
  void aNodeThatStartsLateLearnsTheIndexFromTheLinkHolder() {
    Context holderCtx = vertx.getOrCreateContext();
    ChannelDirectory holder = directory(holderCtx, true);
    vertx.eventBus().publish(Addresses.DISCORD_CHANNELS, guild());
    Poll.until(5_000, "the holder knows the guild", () -> on(holderCtx, () -> holder.decide(G, TEXT)) == Answer.IN_GUILD);
    Context lateCtx = vertx.getOrCreateContext();
    ChannelDirectory late = directory(lateCtx, false);
    Poll.until(10_000, "the late node knows the guild", () -> on(lateCtx, () -> late.decide(G, TEXT)) == Answer.IN_GUILD);
    assertEquals(Answer.NOT_IN_GUILD, on(lateCtx, () -> late.decide(G, "1181471853712130099")));
  }

  @Test
  void signInAsksWhichOfAUsersGuildsAreTheBotsAndWaitsForAGuildNotYetArrived() {
    Context ctx = vertx.getOrCreateContext();
    directory(ctx, false);
    String notTheBots = "1181471853712130400";
    var query = new dev.discordbridge.bus.BotGuilds.Query(List.of(G, notTheBots));
    Future<io.vertx.core.eventbus.Message<dev.discordbridge.bus.BotGuilds>> asked =
        vertx.eventBus().request(Addresses.DISCORD_GUILDS_QUERY, query);
    // No shard has settled: the answer waits. G's channels arrive; the other guild's never do, and
    // at the deadline it counts as not the bot's.
    vertx.eventBus().publish(Addresses.DISCORD_CHANNELS, guild());
    Poll.until(10_000, "an answer once the deadline passed", () -> {
      clock.addAndGet(ChannelDirectory.WAIT_MS); // whenever the wait began, it ends at the next poll
      return asked.isComplete();
    });
    assertEquals(List.of(G), asked.await().body().guildIds());
  }
}
