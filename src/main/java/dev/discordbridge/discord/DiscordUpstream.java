package dev.discordbridge.discord;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusFailure;
import dev.discordbridge.bus.MemberRoles;
import dev.discordbridge.bus.MessageEcho;
import dev.discordbridge.bus.ShardEvents;
import dev.discordbridge.bus.ShardStatus;
import dev.discordbridge.bus.UpstreamAck;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.config.DiscordConfig;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.GatewayEvent;
import dev.discordbridge.discord.shard.DiscordShardsVerticle;
import dev.discordbridge.link.EventIdWindow;
import dev.discordbridge.link.LinkState;
import dev.discordbridge.link.Upstream;
import dev.discordbridge.link.UpstreamException;
import dev.discordbridge.ops.LogThrottle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct Discord mode as the link holder sees it: the {@link Upstream} whose events come from the
 * shards (held by whichever nodes hold their leases, {@link DiscordShardsVerticle}) and whose
 * commands go to Discord's REST API ({@link DiscordCommands}).
 *
 * <p>The holder is the one sequencer: every shard sends its events here in order
 * ({@code bridge.discord.shard.events}), and this class de-duplicates them by event id (a
 * resumed shard, a resent batch) before the holder gives them stream ids. Stream ids therefore
 * keep growing across shards, nodes and failovers, and {@code Last-Event-ID} works as in hub mode.
 *
 * <p>The link is usable when every shard reported {@code ready} in the last
 * {@link #STALE_AFTER_MS}; a shard Discord refused for good (4004, 4010–4014) or a token refused
 * by REST marks it {@link LinkState#FAILED} with the reason in the status.
 */
public final class DiscordUpstream implements Upstream {
  private static final Logger log = LoggerFactory.getLogger(DiscordUpstream.class);
  static final long STALE_AFTER_MS = 5_000;
  private static final long EVALUATE_MS = 1_000;

  private final Vertx vertx;
  private final EventIdWindow seen;
  private final Listener listener;
  private final DiscordCommands commands;
  private final Map<Integer, Seen> shards = new HashMap<>();
  private final MessageConsumer<ShardStatus> statuses;
  private final MessageConsumer<MessageEcho> echoes;
  private final ChannelDirectory channels;
  private final MemberDirectory members;
  private final CommandPermissions permissions;
  private final MessageConsumer<MemberRoles> memberUpdates;
  private final LogThrottle refusalLog = new LogThrottle(10);
  private final long timer;
  private MessageConsumer<ShardEvents> events;
  private MessageConsumer<MemberRoles.Query> memberQueries;
  private boolean started;
  private int reconnects;
  private LinkState state = LinkState.STANDBY;
  private String detail;

  private record Seen(ShardStatus status, long at) {}

  /** Call on the holder's context. */
  public DiscordUpstream(Vertx vertx, EventIdWindow seen, Listener listener, DiscordCommands commands,
                         DiscordConfig settings) {
    this.vertx = vertx;
    this.seen = seen;
    this.listener = listener;
    this.commands = commands;
    this.statuses = vertx.eventBus().consumer(Addresses.DISCORD_SHARD_STATUS, m -> onShardStatus(m.body()));
    // Every node keeps the echoes, not only the holder: a node that takes the link over knows them too.
    this.echoes = vertx.eventBus().consumer(Addresses.DISCORD_ECHOES, m -> commands.observe(m.body()));
    this.channels = new ChannelDirectory(vertx, () -> started, System::currentTimeMillis);
    commands.threadParents(channels::threadParent);
    this.members = new MemberDirectory(commands::memberRoles, settings.memberTtlMs(), System::currentTimeMillis,
        changed -> vertx.eventBus().publish(Addresses.DISCORD_MEMBERS, changed));
    this.permissions = new CommandPermissions(channels.book(), members, commands, settings.discordPermissions());
    // Every node follows GUILD_MEMBER_UPDATE: a node that takes the link over has current roles.
    this.memberUpdates = vertx.eventBus().consumer(Addresses.DISCORD_MEMBERS, m -> members.learn(m.body()));
    this.timer = vertx.setPeriodic(EVALUATE_MS, id -> {
      evaluate();
      if (started) {
        members.sweep();
      }
    });
  }

  @Override
  public void start(dev.discordbridge.link.SessionPosition resumeFrom) {
    // Shards resume their own sessions from the positions their holders publish; nothing to take here.
    if (started) {
      return;
    }
    started = true;
    events = vertx.eventBus().consumer(Addresses.DISCORD_SHARD_EVENTS, this::onBatch);
    // The holder answers every node's "what are this user's roles?" (one cache, one request per pair).
    memberQueries = vertx.eventBus().consumer(Addresses.DISCORD_MEMBER,
        m -> members.roles(m.body().guildId(), m.body().userId()).onSuccess(m::reply));
    evaluate();
  }

  @Override
  public void stop() {
    if (!started) {
      return;
    }
    started = false;
    events.unregister();
    events = null;
    memberQueries.unregister();
    memberQueries = null;
    setState(LinkState.STANDBY, null);
  }

  @Override
  public Future<Void> close() {
    stop();
    vertx.cancelTimer(timer);
    return Future.all(statuses.unregister(), echoes.unregister(), memberUpdates.unregister(), channels.close(),
        commands.close()).mapEmpty();
  }

  @Override
  public Future<UpstreamAck> send(GatewayCommand command) {
    if (!started) {
      return Future.failedFuture(new UpstreamException(BusFailure.LINK_DOWN, "this node does not hold the link"));
    }
    // Nothing reaches Discord for a channel outside the command's guild (a DM, another guild's channel).
    return channels.check(command.guildId(), command.channelId()).compose(answer -> switch (answer) {
      case IN_GUILD -> permissions.check(command).compose(refusal -> refusal == null ? commands.execute(command)
          : Future.succeededFuture(refusePermission(command, refusal)));
      case NOT_IN_GUILD -> Future.succeededFuture(refuseChannel(command));
      case NOT_YET -> Future.failedFuture(new UpstreamException(BusFailure.LINK_DOWN,
          "the channels of guild " + command.guildId() + " have not reached the bridge yet"));
    });
  }

  private UpstreamAck refuseChannel(GatewayCommand c) {
    long suppressed = refusalLog.acquire(System.currentTimeMillis());
    if (suppressed >= 0) {
      log.info("[trace {}] command {} refused: channel {} is not a channel of guild {}{}", c.traceId(), c.id(),
          c.channelId(), c.guildId(), suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : "");
    }
    return UpstreamAck.refused(new UpstreamAck.UpstreamError(UpstreamAck.CHANNEL_NOT_IN_GUILD,
        "Channel " + c.channelId() + " is not a channel of guild " + c.guildId() + ".", false, null));
  }

  private UpstreamAck refusePermission(GatewayCommand c, UpstreamAck refusal) {
    long suppressed = refusalLog.acquire(System.currentTimeMillis());
    if (suppressed >= 0) {
      log.info("[trace {}] command {} refused: {} {}{}", c.traceId(), c.id(), refusal.error().code(),
          refusal.error().message(), suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : "");
    }
    return refusal;
  }

  @Override
  public Status status() {
    return new Status(state, null, reconnects, 0, detail);
  }

  // ---- events from the shards ----

  private void onBatch(Message<ShardEvents> m) {
    ShardEvents batch = m.body();
    if (batch.reset() != null) {
      listener.onReset("discord shard " + batch.shardId() + ": " + batch.reset());
    }
    long now = System.currentTimeMillis();
    int published = 0;
    for (GatewayEvent e : batch.events()) {
      if (seen.firstSeen(e.id())) {
        listener.onEvent(e, null, now);
        published++;
      }
    }
    m.reply(new ShardEvents.Ack(published));
  }

  // ---- the link's state from the shards' ----

  private void onShardStatus(ShardStatus s) {
    Seen before = shards.get(s.shardId());
    if (before != null && before.status().ready() && "resuming".equals(s.state()) && started) {
      reconnects++;
    }
    shards.put(s.shardId(), new Seen(s, System.currentTimeMillis()));
    channels.onShardStatus(s);
    if (started) {
      evaluate();
    }
  }

  private void evaluate() {
    if (!started) {
      return;
    }
    String commandsDown = commands.refusal();
    if (commandsDown != null) {
      setState(LinkState.FAILED, commandsDown);
      return;
    }
    long now = System.currentTimeMillis();
    int count = shards.values().stream().mapToInt(s -> s.status().shardCount()).max().orElse(0);
    if (count == 0) {
      setState(LinkState.CONNECTING, "no Discord shard has reported yet");
      return;
    }
    int ready = 0;
    String why = null;
    for (int id = 0; id < count; id++) {
      Seen s = shards.get(id);
      if (s != null && s.status().detail() != null && "failed".equals(s.status().state())) {
        setState(LinkState.FAILED, s.status().detail());
        return;
      }
      if (s != null && s.status().ready() && now - s.at() <= STALE_AFTER_MS) {
        ready++;
      } else if (why == null && s != null && s.status().detail() != null && "backoff".equals(s.status().state())) {
        why = "shard " + id + ": " + s.status().detail();
      }
    }
    setState(ready == count ? LinkState.CONNECTED : LinkState.CONNECTING,
        ready == count ? null : (count - ready) + " of " + count + " Discord shard(s) not ready" + (why == null ? "" : "; " + why));
  }

  private void setState(LinkState next, String why) {
    boolean changed = next != state;
    if (next == LinkState.FAILED && !java.util.Objects.equals(why, detail)) {
      log.error("direct Discord mode is down: {}", why);
    }
    state = next;
    detail = why;
    if (changed) {
      listener.onState(next);
    }
  }
}
