package dev.discordbridge.discord;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BotGuilds;
import dev.discordbridge.bus.ChannelUpdate;
import dev.discordbridge.bus.ShardStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's copy of the channel index (direct Discord mode), kept from what every shard's
 * holder publishes ({@code bridge.discord.channels}), so that the link holder, whichever node it
 * is, answers "is this channel one of this guild's?" without asking anyone. A node that starts
 * asks for what the others know ({@link ChannelUpdate.Kind#SYNC}); the link holder answers with
 * a snapshot of every guild.
 *
 * <p>Until a guild's channels arrive (GUILD_CREATE comes right after a shard's READY) the answer
 * is held back, up to {@link #WAIT_MS}; a guild still unknown {@link #STATE_GRACE_MS} after its
 * shard became ready (and after this node started following) is one the bot is not in.
 */
final class ChannelDirectory {
  private static final Logger log = LoggerFactory.getLogger(ChannelDirectory.class);
  /** After a shard is ready (and this node follows), its guilds' channels have arrived or never will. */
  static final long STATE_GRACE_MS = 15_000;
  /** Longest a command waits here for its guild's channels (below the attempt timeout). */
  static final long WAIT_MS = 3_000;
  private static final long POLL_MS = 100;
  private static final long SYNC_REPEAT_MS = 2_000;
  private static final int SYNC_TRIES = 5;

  /** The answer for one command: a verdict, or "not yet" (its guild's channels have not arrived). */
  enum Answer { IN_GUILD, NOT_IN_GUILD, NOT_YET }

  private final Vertx vertx;
  private final LongSupplier clock;
  private final BooleanSupplier holder;
  private final ChannelIndex index = new ChannelIndex();
  private final dev.discordbridge.access.GuildBook book = new dev.discordbridge.access.GuildBook();
  private final Map<Integer, Long> readySince = new HashMap<>();
  private final MessageConsumer<ChannelUpdate> updates;
  private final MessageConsumer<BotGuilds.Query> guildQueries;
  private final long followingSince;
  private int shardCount;
  private boolean heardSomething;
  private long syncTimer = -1;

  /** @param holder whether this node holds the link now (the holder answers a SYNC) */
  ChannelDirectory(Vertx vertx, BooleanSupplier holder, LongSupplier clock) {
    this.vertx = vertx;
    this.holder = holder;
    this.clock = clock;
    this.followingSince = clock.getAsLong();
    this.updates = vertx.eventBus().consumer(Addresses.DISCORD_CHANNELS, m -> onUpdate(m.body()));
    updates.completion().onSuccess(v -> askOthers(1));
    this.guildQueries = vertx.eventBus().localConsumer(Addresses.DISCORD_GUILDS_QUERY,
        m -> botGuilds(m.body().candidates()).onSuccess(in -> m.reply(new BotGuilds(in))));
  }

  /** A thread's parent channel, or null for a channel that is not a known thread. */
  String threadParent(String channelId) {
    return index.threadParent(channelId);
  }

  Future<Void> close() {
    vertx.cancelTimer(syncTimer);
    return Future.all(updates.unregister(), guildQueries.unregister()).mapEmpty();
  }

  /**
   * Which of {@code candidates} are guilds of the bot: those whose channels arrived. A guild still
   * unknown is waited for while its shard has not settled, up to {@link #WAIT_MS}; then it is not.
   */
  Future<List<String>> botGuilds(List<String> candidates) {
    Promise<List<String>> answer = Promise.promise();
    pollGuilds(candidates, clock.getAsLong() + WAIT_MS, answer);
    return answer.future();
  }

  private void pollGuilds(List<String> candidates, long deadline, Promise<List<String>> answer) {
    List<String> in = new ArrayList<>();
    boolean waiting = false;
    for (String guild : candidates) {
      if (index.complete(guild)) {
        in.add(guild);
      } else if (!settled(guild)) {
        waiting = true;
      }
    }
    if (!waiting || clock.getAsLong() >= deadline) {
      answer.complete(in);
    } else {
      vertx.setTimer(POLL_MS, id -> pollGuilds(candidates, deadline, answer));
    }
  }

  ChannelIndex index() {
    return index;
  }

  /** The guilds' permission state (owner, roles, overwrites) from the same updates. */
  dev.discordbridge.access.GuildBook book() {
    return book;
  }

  /** Shard readiness, for the grace after a shard's READY. */
  void onShardStatus(ShardStatus s) {
    shardCount = s.shardCount();
    if (s.ready()) {
      readySince.putIfAbsent(s.shardId(), clock.getAsLong());
    } else {
      readySince.remove(s.shardId());
    }
  }

  /** Whether {@code channelId} is a channel (or thread) of {@code guildId}; waits up to {@link #WAIT_MS} for its guild. */
  Future<Answer> check(String guildId, String channelId) {
    Answer now = decide(guildId, channelId);
    if (now != Answer.NOT_YET) {
      return Future.succeededFuture(now);
    }
    Promise<Answer> answer = Promise.promise();
    long deadline = clock.getAsLong() + WAIT_MS;
    poll(guildId, channelId, deadline, answer);
    return answer.future();
  }

  private void poll(String guildId, String channelId, long deadline, Promise<Answer> answer) {
    vertx.setTimer(POLL_MS, id -> {
      Answer a = decide(guildId, channelId);
      if (a != Answer.NOT_YET || clock.getAsLong() >= deadline) {
        answer.complete(a);
      } else {
        poll(guildId, channelId, deadline, answer);
      }
    });
  }

  Answer decide(String guildId, String channelId) {
    return switch (index.check(guildId, channelId)) {
      case IN_GUILD -> Answer.IN_GUILD;
      case NOT_IN_GUILD -> Answer.NOT_IN_GUILD;
      case GUILD_UNKNOWN -> settled(guildId) ? Answer.NOT_IN_GUILD : Answer.NOT_YET;
    };
  }

  /** True when the guild's channels would have arrived by now if the bot were in it. */
  private boolean settled(String guildId) {
    if (shardCount < 1) {
      return false;
    }
    int shard;
    try {
      shard = (int) ((Long.parseLong(guildId) >> 22) % shardCount);
    } catch (NumberFormatException e) {
      return true; // not a snowflake: no guild of the bot's
    }
    Long ready = readySince.get(shard);
    return ready != null && clock.getAsLong() - Math.max(ready, followingSince) >= STATE_GRACE_MS;
  }

  private void onUpdate(ChannelUpdate u) {
    if (u.kind() == ChannelUpdate.Kind.SYNC) {
      if (holder.getAsBoolean()) {
        for (String guild : book.guilds()) {
          vertx.eventBus().publish(Addresses.DISCORD_CHANNELS, ChannelUpdate.snapshotOf(book.guild(guild)));
        }
      }
      return;
    }
    heardSomething = true;
    index.apply(u);
    u.applyTo(book);
  }

  /** Asks the link holder for every guild it knows, a few times while nothing arrives (subscriptions take a moment to spread). */
  private void askOthers(int attempt) {
    if (heardSomething || attempt > SYNC_TRIES) {
      return;
    }
    vertx.eventBus().publish(Addresses.DISCORD_CHANNELS, new ChannelUpdate(ChannelUpdate.Kind.SYNC, null, null, null, null));
    syncTimer = vertx.setTimer(SYNC_REPEAT_MS, id -> askOthers(attempt + 1));
    if (attempt == 1) {
      log.debug("asked the link holder for the channel index");
    }
  }
}
