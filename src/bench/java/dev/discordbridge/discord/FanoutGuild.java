package dev.discordbridge.discord;

import dev.discordbridge.bench.BenchEvents;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The community the direct-mode fan-out benchmark plays ({@link DiscordFanoutBench}): one guild
 * with {@link #ROLES} roles besides {@code @everyone} and {@code channels} text channels, and
 * {@code users} members who each hold one or two of those roles (up to eight distinct role sets).
 *
 * <ul>
 *   <li>the first quarter of the channels: no overwrites ({@code @everyone} may view);</li>
 *   <li>the second quarter: members only ({@code @everyone} denied VIEW_CHANNEL, every role
 *       allowed it), so every viewer sees them through role overwrites;</li>
 *   <li>the second half: one role's each ({@code @everyone} denied, role {@code i % 4} allowed),
 *       hidden from the members without that role.</li>
 * </ul>
 * The events go round-robin to the channels of the first half, which every viewer may view: with
 * permissions on and off each stream gets every event, and the two modes deliver the same count,
 * while the filter still resolves overwrites and hides half of the guild.
 */
final class FanoutGuild {
  static final String GUILD = "1181471853712130048";
  static final int ROLES = 4;
  static final long VIEW_CHANNEL = 1L << 10;
  static final long SEND_MESSAGES = 1L << 11;
  private static final long ROLE_BASE = 1181471853712150000L;
  private static final long CHANNEL_BASE = 1181471853712131000L;
  private static final long USER_BASE = 1181471853712200000L;
  private static final String AUTHOR = "1181471853712130101";
  private static final long MESSAGE_BASE = 1181471853800000000L;

  private final int channels;
  private final int users;

  FanoutGuild(int channels, int users) {
    if (channels < 4) {
      throw new IllegalArgumentException("--channels must be at least 4, got " + channels);
    }
    if (users < 1) {
      throw new IllegalArgumentException("--users must be at least 1, got " + users);
    }
    this.channels = channels;
    this.users = users;
  }

  int users() {
    return users;
  }

  static String role(int k) {
    return Long.toString(ROLE_BASE + k);
  }

  String channel(int i) {
    return Long.toString(CHANNEL_BASE + i);
  }

  static String user(int u) {
    return Long.toString(USER_BASE + u);
  }

  /** The first channel hidden from some viewers: only role {@code hiddenRole()} may view it. */
  int hiddenChannel() {
    return visibleToAll();
  }

  int hiddenRole() {
    return hiddenChannel() % ROLES;
  }

  /** How many of {@code streams} streams (stream i is user i % users) may view {@link #hiddenChannel}. */
  int streamsSeeingHidden(int streams) {
    String role = role(hiddenRole());
    int n = 0;
    for (int i = 0; i < streams; i++) {
      if (rolesOf(i % users).contains(role)) {
        n++;
      }
    }
    return n;
  }

  /** The channels every viewer may view (the events go there). */
  int visibleToAll() {
    return channels / 2;
  }

  /** User {@code u}'s roles: role {@code u % 4}, and every fifth user the next one too. */
  static List<String> rolesOf(int u) {
    List<String> r = new ArrayList<>(List.of(role(u % ROLES)));
    if (u % 5 == 0) {
      r.add(role((u + 1) % ROLES));
    }
    return r;
  }

  /** Registers the guild (sent after READY) and its members with the fake. */
  void install(FakeDiscord discord) {
    discord.gateway.guild(guildCreate());
    for (int u = 0; u < users; u++) {
      discord.rest.members.member(GUILD, user(u), rolesOf(u));
    }
  }

  JsonObject guildCreate() {
    JsonArray roles = new JsonArray().add(new JsonObject().put("id", GUILD).put("name", "@everyone")
        .put("position", 0).put("permissions", Long.toString(FakeDiscord.EVERYONE)));
    for (int k = 0; k < ROLES; k++) {
      roles.add(new JsonObject().put("id", role(k)).put("name", "role " + k).put("position", k + 1)
          .put("permissions", Long.toString(SEND_MESSAGES)));
    }
    JsonArray cs = new JsonArray();
    int quarter = Math.max(1, channels / 4);
    for (int i = 0; i < channels; i++) {
      JsonArray overwrites = new JsonArray();
      if (i >= quarter) {
        overwrites.add(overwrite(GUILD, 0, VIEW_CHANNEL));
        if (i < visibleToAll()) {
          for (int k = 0; k < ROLES; k++) {
            overwrites.add(overwrite(role(k), VIEW_CHANNEL, 0));
          }
        } else {
          overwrites.add(overwrite(role(i % ROLES), VIEW_CHANNEL, 0));
        }
      }
      cs.add(new JsonObject().put("id", channel(i)).put("type", 0).put("guild_id", GUILD).put("name", "c" + i)
          .put("position", i).put("permission_overwrites", overwrites));
    }
    return new JsonObject().put("id", GUILD).put("name", "fan-out guild").put("channels", cs)
        .put("threads", new JsonArray()).put("voice_states", new JsonArray()).put("members", new JsonArray())
        .put("owner_id", FakeDiscord.OWNER_ID).put("roles", roles);
  }

  private static JsonObject overwrite(String roleId, long allow, long deny) {
    return new JsonObject().put("id", roleId).put("type", 0).put("allow", Long.toString(allow))
        .put("deny", Long.toString(deny));
  }

  /** The MESSAGE_CREATE of benchmark event {@code seq}, sent at {@code sentNanos}, in a channel all may view. */
  JsonObject message(long seq, long sentNanos) {
    return message(seq, sentNanos, (int) (seq % visibleToAll()));
  }

  /** The MESSAGE_CREATE of benchmark event {@code seq} in channel number {@code channel}. */
  JsonObject message(long seq, long sentNanos, int channel) {
    return new JsonObject().put("id", Long.toString(MESSAGE_BASE + seq)).put("guild_id", GUILD)
        .put("channel_id", channel(channel)).put("content", BenchEvents.content(seq, sentNanos))
        .put("timestamp", "2026-12-07T12:00:00.000000+00:00")
        .put("author", new JsonObject().put("id", AUTHOR).put("username", "ana"));
  }
}
