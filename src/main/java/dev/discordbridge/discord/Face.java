package dev.discordbridge.discord;

import io.vertx.core.json.JsonObject;

/**
 * How Discord shows a user in a guild (contract section 10): the username, the display name
 * (guild nickname, else global name, else username) and the avatar URL on Discord's CDN (the
 * member's guild avatar where set, else the user's avatar, else the default avatar), per
 * Discord's "Image Formatting" reference. Pure: built from what a dispatch carries.
 */
public record Face(String username, String displayName, String avatarUrl) {
  static final String CDN = "https://cdn.discordapp.com";
  private static final java.util.regex.Pattern HASH = java.util.regex.Pattern.compile("(a_)?[0-9a-f]{32}");

  /**
   * The face of {@code user} ({@code id}, {@code username}, {@code global_name}, {@code avatar})
   * as a member ({@code nick}, {@code avatar}) of {@code guildId}; either may be null. Null when
   * nothing names the user.
   */
  public static Face of(String guildId, JsonObject user, JsonObject member) {
    if (user == null && member != null && member.getValue("user") instanceof JsonObject u) {
      user = u;
    }
    if (user == null || !(user.getValue("id") instanceof String id)) {
      return null;
    }
    String username = text(user.getValue("username"));
    String nick = member == null ? null : text(member.getValue("nick"));
    String global = text(user.getValue("global_name"));
    String display = nick != null ? nick : global != null ? global : username;
    if (username == null && display == null) {
      return null;
    }
    return new Face(username != null ? username : display, display,
        avatarUrl(guildId, id, hash(user.getValue("avatar")), member == null ? null : hash(member.getValue("avatar"))));
  }

  /** The CDN URL of the avatar Discord shows: the guild avatar, else the user's, else the default one. */
  public static String avatarUrl(String guildId, String userId, String userHash, String guildHash) {
    if (guildHash != null && guildId != null) {
      return CDN + "/guilds/" + guildId + "/users/" + userId + "/avatars/" + guildHash + ".png";
    }
    if (userHash != null) {
      return CDN + "/avatars/" + userId + "/" + userHash + ".png";
    }
    return defaultAvatar(userId);
  }

  /** Discord's default avatar of a user without one (the new username system: {@code (id >> 22) % 6}). */
  public static String defaultAvatar(String userId) {
    long id;
    try {
      id = Long.parseUnsignedLong(userId);
    } catch (NumberFormatException e) {
      id = 0;
    }
    return CDN + "/embed/avatars/" + Long.remainderUnsigned(id >>> 22, 6) + ".png";
  }

  /** Puts {@code displayName} and {@code avatarUrl} into {@code data}. */
  JsonObject putInto(JsonObject data) {
    if (displayName != null) {
      data.put("displayName", displayName);
    }
    if (avatarUrl != null) {
      data.put("avatarUrl", avatarUrl);
    }
    return data;
  }

  private static String text(Object v) {
    return v instanceof String s && !s.isBlank() ? s : null;
  }

  private static String hash(Object v) {
    return v instanceof String s && HASH.matcher(s).matches() ? s : null;
  }
}
