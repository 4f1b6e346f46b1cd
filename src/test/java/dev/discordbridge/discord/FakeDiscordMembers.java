package dev.discordbridge.discord;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fake Discord's guild members and the bot's own permissions, from Discord's guild resource and
 * its error codes: {@code GET /guilds/{guild}/members/{user}} answers a member's roles (every user
 * is a member without roles unless a test says otherwise; {@link #notMember}: 404 10007 Unknown
 * Member), and in a channel where the bot was denied ({@link #denyBot}) messages, reactions and
 * typing get 403 50013 Missing Permissions, as Discord enforces them. The bridge's member and self
 * lookups pass the fake's forced answers by ({@code nextError} is meant for the commands' routes).
 */
public final class FakeDiscordMembers {
  private final Map<String, List<String>> roles = new HashMap<>();
  private final Set<String> nonMembers = new HashSet<>();
  private final Set<String> botDenied = new HashSet<>();
  private boolean failing;

  /** While on, GET member answers 500 (Discord in trouble). */
  public synchronized FakeDiscordMembers failing(boolean on) {
    failing = on;
    return this;
  }

  /** {@code user}'s roles in {@code guild}, as GET member answers them from now on. */
  public synchronized FakeDiscordMembers member(String guild, String user, List<String> roleIds) {
    roles.put(guild + " " + user, List.copyOf(roleIds));
    nonMembers.remove(guild + " " + user);
    return this;
  }

  /** {@code user} is not a member of {@code guild}. */
  public synchronized FakeDiscordMembers notMember(String guild, String user) {
    nonMembers.add(guild + " " + user);
    return this;
  }

  /** The bot lacks its permissions in {@code channel}. */
  public synchronized FakeDiscordMembers denyBot(String channel) {
    botDenied.add(channel);
    return this;
  }

  /** 403 50013 for a message, reaction or typing request in a channel the bot was denied; else null. */
  public synchronized FakeDiscordRest.Answer deniesBot(String route, String channel, MultiMap h) {
    boolean commandRoute = FakeDiscordRest.MESSAGES.equals(route) || FakeDiscordRest.REACTIONS.equals(route)
        || FakeDiscordRest.TYPING.equals(route);
    return commandRoute && botDenied.contains(channel)
        ? new FakeDiscordRest.Answer(403, h, FakeDiscordRest.error(50013, "Missing Permissions")) : null;
  }

  /** {@code GET /guilds/{guild}/members/{user}}, the path split at its slashes. */
  public static boolean isMemberRoute(String method, String[] s) {
    return "GET".equals(method) && s.length == 4 && "guilds".equals(s[0]) && "members".equals(s[2])
        && s[1].matches("[0-9]{17,20}") && s[3].matches("[0-9]{17,20}");
  }

  public synchronized FakeDiscordRest.Answer answer(String guild, String user, MultiMap h) {
    String key = guild + " " + user;
    if (failing) {
      return new FakeDiscordRest.Answer(500, h, FakeDiscordRest.error(0, "500: Internal Server Error"));
    }
    if (nonMembers.contains(key)) {
      return new FakeDiscordRest.Answer(404, h, FakeDiscordRest.error(10007, "Unknown Member"));
    }
    return new FakeDiscordRest.Answer(200, h, new JsonObject()
        .put("user", new JsonObject().put("id", user).put("username", "u" + user))
        .put("roles", new JsonArray(roles.getOrDefault(key, List.of()))).put("joined_at", "2026-01-01T00:00:00.000Z"));
  }
}
