package dev.discordbridge.auth;

import io.vertx.core.json.JsonObject;

/**
 * Who a signed-in user is on Discord, from the optional claims of their token: {@code username},
 * {@code name} (the display name: global name, else username) and {@code avatar} (the avatar's
 * hash). Tokens of Sign in with Discord carry them; others may. Each field is null where unknown.
 */
public record Profile(String username, String displayName, String avatarUrl) {
  public static final Profile NONE = new Profile(null, null, null);
  private static final int MAX_NAME_CHARS = 64;

  /** The claims a token minted at sign-in carries for this Discord user. */
  public static JsonObject claims(String username, String globalName, String avatarHash) {
    var claims = new JsonObject().put("username", username).put("name", globalName == null || globalName.isBlank()
        ? username : globalName);
    return avatarHash == null ? claims : claims.put("avatar", avatarHash);
  }

  /** The profile in {@code claims} of user {@code userId}; claims of the wrong shape are ignored. */
  static Profile of(String userId, JsonObject claims) {
    String username = name(claims.getValue("username"));
    String displayName = name(claims.getValue("name"));
    String avatar = claims.getValue("avatar") instanceof String a && a.matches("(a_)?[0-9a-f]{32}") ? a : null;
    String avatarUrl = avatar != null ? "https://cdn.discordapp.com/avatars/" + userId + "/" + avatar + ".png"
        : username != null ? defaultAvatar(userId) : null;
    return new Profile(username, displayName != null ? displayName : username, avatarUrl);
  }

  /** Discord's default avatar of a user without one (the new username system: {@code (id >> 22) % 6}). */
  static String defaultAvatar(String userId) {
    return "https://cdn.discordapp.com/embed/avatars/" + ((Long.parseLong(userId) >> 22) % 6) + ".png";
  }

  private static String name(Object v) {
    return v instanceof String s && !s.isBlank() && s.length() <= MAX_NAME_CHARS ? s : null;
  }
}
