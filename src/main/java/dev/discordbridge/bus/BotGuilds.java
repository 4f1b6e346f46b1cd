package dev.discordbridge.bus;

import java.util.List;

/**
 * {@link Addresses#DISCORD_GUILDS_QUERY} reply (direct Discord mode): which of the asked guilds the
 * bot is in, as this node's channel index knows from the gateway.
 */
public record BotGuilds(List<String> guildIds) {
  public BotGuilds {
    guildIds = guildIds == null ? List.of() : List.copyOf(guildIds);
  }

  /** The request: the guilds to check (a signed-in user's, from {@code /users/@me/guilds}). */
  public record Query(List<String> candidates) {
    /** Discord lists at most 200 guilds per user (one page of {@code /users/@me/guilds}). */
    public static final int MAX = 1_000;

    public Query {
      candidates = candidates == null ? List.of() : List.copyOf(candidates);
      if (candidates.size() > MAX) {
        throw new IllegalArgumentException("at most " + MAX + " guilds, got " + candidates.size());
      }
    }
  }
}
