package dev.discordbridge.discord;

import dev.discordbridge.contract.EventName;
import dev.discordbridge.contract.GatewayEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is in which voice channel, per guild. Discord's VOICE_STATE_UPDATE carries only the new
 * state (channel or none), so joins, leaves and moves are found by comparing with this map;
 * GUILD_CREATE's {@code voice_states} is a full snapshot of one guild. Discord never says why
 * someone left, so every leave is {@code left} (or {@code moved} before a join elsewhere).
 * Usernames are remembered after a member leaves, for the next join. Also fed with published
 * voice events ({@link #observe}) so that a node taking over a shard knows who is where.
 * Not thread-safe: one owner, one context.
 */
public final class VoiceStates {

  /** One change to report: a join ({@code reason} null) or a leave. */
  public record Change(String userId, String channelId, String username, String reason, Face face) {
    public Change(String userId, String channelId, String username, String reason) {
      this(userId, channelId, username, reason, null);
    }

    public boolean joined() {
      return reason == null;
    }

    static Change joined(String userId, String channelId, Face face) {
      return new Change(userId, channelId, face == null ? userId : face.username(), null, face);
    }

    static Change left(String userId, String channelId, String reason) {
      return new Change(userId, channelId, null, reason, null);
    }
  }

  /** Faces are remembered per guild for members seen in voice, at most this many per guild (the oldest go first). */
  static final int MAX_FACES_PER_GUILD = 10_000;

  private static final class Guild {
    final Map<String, String> channelOf = new HashMap<>();
    final Map<String, Face> faces = new java.util.LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Face> eldest) {
        return size() > MAX_FACES_PER_GUILD && !channelOf.containsKey(eldest.getKey());
      }
    };
  }

  private final Map<String, Guild> guilds = new HashMap<>();

  /**
   * A member's new state.
   *
   * @param channelId the channel now, null when in none
   * @param username the username Discord sent with it, or null
   */
  public List<Change> update(String guildId, String userId, String channelId, String username) {
    return update(guildId, userId, channelId, username == null ? null : new Face(username, username, null));
  }

  /** As {@link #update(String, String, String, String)}, with the member's face where the dispatch carried it. */
  public List<Change> update(String guildId, String userId, String channelId, Face face) {
    Guild g = guilds.computeIfAbsent(guildId, k -> new Guild());
    remember(g, userId, face);
    String before = g.channelOf.get(userId);
    if (java.util.Objects.equals(before, channelId)) {
      return List.of(); // mute, deafen, video... or nothing new
    }
    List<Change> out = new ArrayList<>(2);
    if (before != null) {
      g.channelOf.remove(userId);
      out.add(Change.left(userId, before, channelId == null ? "left" : "moved"));
    }
    if (channelId != null) {
      g.channelOf.put(userId, channelId);
      out.add(Change.joined(userId, channelId, faceOf(g, userId)));
    }
    return out;
  }

  /**
   * A guild's full voice snapshot (GUILD_CREATE): joins for members not known in their channel,
   * leaves for known members the snapshot no longer has.
   *
   * @param channelByUser user id to voice channel id
   * @param faces user id to face, for members the snapshot names
   */
  public List<Change> snapshot(String guildId, Map<String, String> channelByUser, Map<String, Face> faces) {
    Guild g = guilds.computeIfAbsent(guildId, k -> new Guild());
    faces.forEach((id, face) -> remember(g, id, face));
    List<Change> out = new ArrayList<>();
    for (String userId : new ArrayList<>(g.channelOf.keySet())) {
      if (!channelByUser.containsKey(userId)) {
        out.add(Change.left(userId, g.channelOf.remove(userId), "left"));
      }
    }
    channelByUser.forEach((userId, channelId) -> out.addAll(update(guildId, userId, channelId, (Face) null)));
    return out;
  }

  /** Applies a published {@code voice.joined} or {@code voice.left} (handled by this or another node). */
  public void observe(GatewayEvent e) {
    if (e.guildId() == null) {
      return;
    }
    if (EventName.VOICE_JOINED.wire().equals(e.name())) {
      Guild g = guilds.computeIfAbsent(e.guildId(), k -> new Guild());
      String userId = e.data().getString("userId");
      String username = e.data().getString("username");
      if (username != null) {
        remember(g, userId, new Face(username, e.data().getString("displayName", username), e.data().getString("avatarUrl")));
      }
      g.channelOf.put(userId, e.data().getString("channelId"));
    } else if (EventName.VOICE_LEFT.wire().equals(e.name())) {
      Guild g = guilds.get(e.guildId());
      if (g != null) {
        g.channelOf.remove(e.data().getString("userId"), e.data().getString("channelId"));
      }
    }
  }

  /** Forgets the guilds {@code which} selects (a lost session's: the next GUILD_CREATE tells them again). */
  public void forgetGuilds(java.util.function.Predicate<String> which) {
    guilds.keySet().removeIf(which);
  }

  /** The guilds known, a copy. */
  public java.util.Set<String> guildIds() {
    return java.util.Set.copyOf(guilds.keySet());
  }

  /** A join for every member in a voice channel of the guild: what a stream needs after a reset cleared its presence. */
  public List<Change> announce(String guildId) {
    Guild g = guilds.get(guildId);
    if (g == null) {
      return List.of();
    }
    List<Change> out = new ArrayList<>(g.channelOf.size());
    g.channelOf.forEach((userId, channelId) -> out.add(Change.joined(userId, channelId, faceOf(g, userId))));
    return out;
  }

  /** The guild left the bot (not an outage): forget it. */
  public void forgetGuild(String guildId) {
    guilds.remove(guildId);
  }

  /** The member's voice channel in that guild, or null. */
  public String channelOf(String guildId, String userId) {
    Guild g = guilds.get(guildId);
    return g == null ? null : g.channelOf.get(userId);
  }

  /** The members in voice channels of the guild (user id to channel id), a copy. */
  public Map<String, String> members(String guildId) {
    Guild g = guilds.get(guildId);
    return g == null ? Map.of() : Map.copyOf(g.channelOf);
  }

  private static void remember(Guild g, String userId, Face face) {
    if (face != null && face.username() != null && !face.username().isBlank()) {
      g.faces.put(userId, face);
    }
  }

  private static Face faceOf(Guild g, String userId) {
    return g.faces.get(userId);
  }
}
