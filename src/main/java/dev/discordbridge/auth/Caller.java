package dev.discordbridge.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Who is calling, from a verified token: the user, the guilds the user may read and act in, the
 * channels the token narrows the caller to (its optional {@code channels} claim; null when it has
 * none: every channel of those guilds), and when the token expires (a stream is closed then).
 */
public record Caller(String userId, Set<String> guilds, Set<String> channels, long expiresAtSeconds, Via via) {

  public Caller {
    guilds = Set.copyOf(guilds);
    channels = channels == null ? null : Set.copyOf(channels);
  }

  /** A caller whose token has no {@code channels} claim. */
  public Caller(String userId, Set<String> guilds, long expiresAtSeconds, Via via) {
    this(userId, guilds, null, expiresAtSeconds, via);
  }

  /** Where the token came from; state-changing requests by cookie get an origin check. */
  public enum Via { HEADER, COOKIE, QUERY }

  public boolean mayRead(String guildId) {
    return guilds.contains(guildId);
  }

  /** Whether the token's {@code channels} claim (if any) lets the caller see this channel. */
  public boolean mayView(String channelId) {
    return channels == null || channels.contains(channelId);
  }

  public long expiresAtMillis() {
    return expiresAtSeconds * 1000L;
  }

  /** The {@code caller} object of the bus relay envelope. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("userId", userId)
        .put("guilds", new JsonArray(guilds.stream().sorted().toList()))
        .put("channels", channels == null ? null : new JsonArray(channels.stream().sorted().toList()))
        .put("exp", expiresAtSeconds)
        .put("via", via.name().toLowerCase());
  }

  public static Caller fromJson(JsonObject o) {
    return new Caller(o.getString("userId"),
        Set.copyOf(o.getJsonArray("guilds", new JsonArray()).stream().map(String::valueOf).toList()),
        o.getJsonArray("channels") == null ? null
            : Set.copyOf(o.getJsonArray("channels").stream().map(String::valueOf).toList()),
        o.getLong("exp", 0L), Via.valueOf(o.getString("via", "header").toUpperCase()));
  }
}
