package dev.discordbridge.bus;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.Objects;

/**
 * A user's roles in a guild (direct Discord mode), as Discord last told: the reply of
 * {@link Addresses#DISCORD_MEMBER} and what {@link Addresses#DISCORD_MEMBERS} publishes.
 *
 * @param member  false when the user is not a member of the guild (10007 Unknown Member, or GUILD_MEMBER_REMOVE)
 * @param roles   the member's role ids (empty when not a member)
 * @param known   false when the roles could not be learnt (Discord unreachable): the caller is shown nothing for now
 */
public record MemberRoles(String guildId, String userId, boolean member, List<String> roles, boolean known) {
  @JsonCreator
  public MemberRoles {
    Objects.requireNonNull(guildId, "guildId");
    Objects.requireNonNull(userId, "userId");
    roles = roles == null || !member ? List.of() : List.copyOf(roles);
  }

  public static MemberRoles of(String guildId, String userId, List<String> roles) {
    return new MemberRoles(guildId, userId, roles != null, roles, true);
  }

  public static MemberRoles unknown(String guildId, String userId) {
    return new MemberRoles(guildId, userId, false, null, false);
  }

  /** The request: whose roles, in which guild. */
  public record Query(String guildId, String userId) {
    public Query {
      Objects.requireNonNull(guildId, "guildId");
      Objects.requireNonNull(userId, "userId");
    }
  }
}
