package dev.discordbridge.edge.sse;

import dev.discordbridge.access.Guild;
import dev.discordbridge.access.GuildBook;
import dev.discordbridge.access.GuildChannel;
import dev.discordbridge.access.Overwrite;
import dev.discordbridge.access.Permissions;
import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.ChannelUpdate;
import dev.discordbridge.bus.MemberRoles;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What each caller may view in direct mode with {@code DISCORD_PERMISSIONS=discord}, for one router
 * instance: the guilds' permission state (a {@link GuildBook} kept from {@code bridge.discord.channels},
 * as on every node) and the roles of the callers with open streams (asked of the link holder on
 * {@code bridge.discord.member}, followed on {@code bridge.discord.members}). A stream holds, per
 * guild, the set of channel ids its caller may view; the fan-out checks an event with two hash
 * lookups. The sets are shared by callers with the same roles (a cache per guild, emptied when the
 * guild changes), so a change costs one computation per distinct role set, plus one per caller
 * the guild names in a member overwrite (or its owner).
 *
 * <p>A caller whose roles are unknown (the holder could not reach Discord) or who is not a member
 * sees nothing of the guild until they are known. Not thread-safe: the instance's event loop.
 */
public final class ChannelViews {
  /** How long a router waits for the link holder's answer about a caller's roles. */
  static final long QUERY_TIMEOUT_MS = 30_000;
  /** How often roles still unknown are asked for again. */
  static final long RETRY_MS = 1_000;

  private final Vertx vertx;
  private final GuildBook book = new GuildBook();
  private final Map<String, MemberRoles> roles = new HashMap<>();
  private final Map<String, Map<Set<String>, Set<String>>> byRoles = new HashMap<>();
  private final Map<String, Set<String>> personal = new HashMap<>();
  private long computed;
  private Fanout fanout;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private long renewTimer = -1;
  private long ticks;
  private final List<java.util.function.Consumer<java.util.function.BiConsumer<String, String>>> watchers = new ArrayList<>();

  public ChannelViews(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Follows the gateway's changes for this instance's streams: guild changes and role changes make
   * the fan-out recompute the visible sets of the streams concerned at once; every {@code renewMs}
   * the roles of the callers with open streams are asked again (the link holder refetches the ones
   * older than {@code DISCORD_MEMBER_TTL_MS}). Asks the link holder for every guild it knows once
   * the consumers are registered (a router instance that starts late).
   */
  public Future<Void> follow(Fanout fanout, long renewMs) {
    this.fanout = fanout;
    var bus = vertx.eventBus();
    MessageConsumer<ChannelUpdate> channels = bus.consumer(Addresses.DISCORD_CHANNELS, m -> {
      String guild = onChannelUpdate(m.body());
      if (guild != null) {
        fanout.streams().reviewViews(guild, null, this::view);
      }
    });
    MessageConsumer<MemberRoles> members = bus.consumer(Addresses.DISCORD_MEMBERS, m -> changed(m.body()));
    consumers.add(channels);
    consumers.add(members);
    long every = Math.max(1, renewMs / RETRY_MS);
    renewTimer = vertx.setPeriodic(RETRY_MS, id -> {
      Set<String> pairs = new HashSet<>();
      fanout.streams().forEachViewed((g, u) -> pairs.add(key(g, u)));
      watchers.forEach(w -> w.accept((g, u) -> pairs.add(key(g, u))));
      // Every second the pairs whose roles are still unknown (the holder was unreachable); all of them every renewMs.
      renew(pairs, ++ticks % every == 0);
    });
    return Future.all(channels.completion(), members.completion()).<Void>mapEmpty()
        .onSuccess(v -> bus.publish(Addresses.DISCORD_CHANNELS, new ChannelUpdate(ChannelUpdate.Kind.SYNC, null, null, null, null)));
  }

  /** Another holder of (guild, user) pairs whose roles must stay known (the legacy socket's subscriptions). */
  public void alsoWatch(java.util.function.Consumer<java.util.function.BiConsumer<String, String>> source) {
    watchers.add(source);
  }

  void close() {
    vertx.cancelTimer(renewTimer);
    consumers.forEach(MessageConsumer::unregister);
  }

  private void changed(MemberRoles m) {
    if (onMember(m) && fanout != null) {
      fanout.streams().reviewViews(m.guildId(), m.userId(), this::view);
    }
  }

  private static String key(String guildId, String userId) {
    return guildId + ' ' + userId;
  }

  /** A change from the gateway; returns the guild whose streams must be reviewed, or null. */
  String onChannelUpdate(ChannelUpdate u) {
    if (u.kind() == ChannelUpdate.Kind.SYNC || !u.applyTo(book)) {
      return null;
    }
    byRoles.remove(u.guildId());
    personal.remove(u.guildId());
    return u.guildId();
  }

  /** New roles of a caller; true when they changed what this instance knew (its streams must be reviewed). */
  boolean onMember(MemberRoles m) {
    String k = key(m.guildId(), m.userId());
    MemberRoles before = roles.get(k);
    if (before == null || before.equals(m) || !m.known()) {
      return false;
    }
    roles.put(k, m);
    return true;
  }

  /** Learns the caller's roles in each guild (from the link holder), then their visible sets. */
  public Future<Map<String, Set<String>>> viewsFor(String userId, Set<String> guilds) {
    List<Future<MemberRoles>> asked = new ArrayList<>();
    for (String g : guilds) {
      asked.add(ask(g, userId));
    }
    return Future.join(asked).transform(ar -> {
      Map<String, Set<String>> out = new HashMap<>();
      for (String g : guilds) {
        out.put(g, view(g, userId));
      }
      return Future.succeededFuture(out);
    });
  }

  /**
   * Asks the holder again for the (guild, user) pairs with an open stream whose roles are unknown,
   * or ({@code all}) for every one of them (the holder then keeps watching them); forgets the rest.
   */
  void renew(Set<String> pairs, boolean all) {
    roles.keySet().retainAll(pairs);
    for (String k : pairs) {
      if (all || !roles.containsKey(k)) {
        int space = k.indexOf(' ');
        ask(k.substring(0, space), k.substring(space + 1));
      }
    }
  }

  private Future<MemberRoles> ask(String guildId, String userId) {
    return vertx.eventBus().<MemberRoles>request(Addresses.DISCORD_MEMBER, new MemberRoles.Query(guildId, userId),
            new DeliveryOptions().setSendTimeout(QUERY_TIMEOUT_MS))
        .map(Message::body)
        .otherwise(err -> MemberRoles.unknown(guildId, userId))
        .onSuccess(m -> {
          String k = key(guildId, userId);
          if (roles.containsKey(k)) {
            changed(m); // a renewal: the streams follow when the roles differ
          } else if (m.known()) {
            roles.put(k, m);
            if (fanout != null) {
              fanout.streams().reviewViews(guildId, userId, this::view); // roles learnt late: the open streams follow
            }
          }
        });
  }

  /** The channels of the guild the user may view, as far as this instance knows (empty when it does not). */
  public Set<String> view(String guildId, String userId) {
    Guild guild = book.guild(guildId);
    MemberRoles m = roles.get(key(guildId, userId));
    if (guild == null || m == null || !m.member()) {
      return Set.of();
    }
    if (userId.equals(guild.ownerId()) || named(guild).contains(userId)) {
      return compute(guild, userId, m.roles());
    }
    Set<String> roleSet = new TreeSet<>(m.roles());
    roleSet.retainAll(guild.roles().keySet());
    return byRoles.computeIfAbsent(guildId, g -> new HashMap<>())
        .computeIfAbsent(Set.copyOf(roleSet), r -> compute(guild, userId, r));
  }

  /** Users a member overwrite of the guild names: their view is their own. */
  private Set<String> named(Guild guild) {
    return personal.computeIfAbsent(guild.id(), g -> {
      Set<String> users = new HashSet<>();
      for (GuildChannel c : guild.channels().values()) {
        for (Overwrite o : c.overwrites()) {
          if (o.kind() == Overwrite.Kind.MEMBER) {
            users.add(o.id());
          }
        }
      }
      return users;
    });
  }

  private Set<String> compute(Guild guild, String userId, java.util.Collection<String> roleIds) {
    computed++;
    Set<String> out = new HashSet<>();
    for (String channel : guild.channels().keySet()) {
      if (Permissions.canView(guild, userId, roleIds, channel)) {
        out.add(channel);
      }
    }
    return Set.copyOf(out);
  }

  /** Views computed so far (a cost figure for tests and metrics). */
  long computed() {
    return computed;
  }
}
