package dev.discordbridge.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * Who is calling, from a verified token: the user, the guilds the user may read and act in, and
 * when the token expires (a stream is closed then).
 */
public record Caller(String userId, Set<String> guilds, long expiresAtSeconds, Via via) {

  /** Where the token came from; state-changing requests by cookie get an origin check. */
  public enum Via { HEADER, COOKIE, QUERY }

  public boolean mayRead(String guildId) {
    return guilds.contains(guildId);
  }

  public long expiresAtMillis() {
    return expiresAtSeconds * 1000L;
  }

  /** The {@code caller} object of the bus relay envelope. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("userId", userId)
        .put("guilds", new JsonArray(guilds.stream().sorted().toList()))
        .put("exp", expiresAtSeconds)
        .put("via", via.name().toLowerCase());
  }

  public static Caller fromJson(JsonObject o) {
    return new Caller(o.getString("userId"),
        Set.copyOf(o.getJsonArray("guilds", new JsonArray()).stream().map(String::valueOf).toList()),
        o.getLong("exp", 0L), Via.valueOf(o.getString("via", "header").toUpperCase()));
  }
}
