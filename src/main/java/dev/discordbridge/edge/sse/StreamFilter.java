package dev.discordbridge.edge.sse;

import dev.discordbridge.auth.Caller;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.StreamEvent;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one stream wants, computed once at connect time: the guilds (the requested ones, all
 * inside the token, or every guild of the token), and optional channel and event-name sets
 * ({@code null} = all; a token's {@code channels} claim is the channel set when the request names
 * none, and a requested channel outside it is refused). Matching is a few hash lookups.
 */
public record StreamFilter(Set<String> guilds, Set<String> channels, Set<String> types) {
  static final int MAX_CHANNELS = 500;
  static final int MAX_TYPES = 64;

  /**
   * A filter the caller may not have: a guild outside the token ({@code GUILD_NOT_ALLOWED}), or a
   * channel outside its {@code channels} claim ({@code MISSING_PERMISSION}, {@code VIEW_CHANNEL}).
   */
  public static final class Forbidden extends RuntimeException {
    public final String reason;
    public final String permission;

    public Forbidden(String message) {
      this(message, "GUILD_NOT_ALLOWED", null);
    }

    public Forbidden(String message, String reason, String permission) {
      super(message, null, false, false);
      this.reason = reason;
      this.permission = permission;
    }
  }

  /** A malformed filter parameter. */
  public static final class Invalid extends RuntimeException {
    public final String field;

    public Invalid(String field, String message) {
      super(message, null, false, false);
      this.field = field;
    }
  }

  /**
   * @param guildParams the {@code guild} query values (repeatable)
   * @param channelParams the {@code channel} query values (repeatable)
   * @param typesParams the {@code types} query values, each a comma list
   */
  public static StreamFilter of(Caller caller, List<String> guildParams, List<String> channelParams, List<String> typesParams) {
    Set<String> guilds;
    if (guildParams.isEmpty()) {
      guilds = caller.guilds();
    } else {
      Set<String> wanted = new LinkedHashSet<>();
      for (String g : guildParams) {
        if (!caller.mayRead(g)) {
          throw new Forbidden("the token does not allow guild " + (Ids.isSnowflake(g) ? g : "(malformed id)"));
        }
        wanted.add(g);
      }
      guilds = Set.copyOf(wanted);
    }
    Set<String> channels = null;
    if (!channelParams.isEmpty()) {
      if (channelParams.size() > MAX_CHANNELS) {
        throw new Invalid("channel", "at most " + MAX_CHANNELS + " channels");
      }
      for (String c : channelParams) {
        if (!Ids.isSnowflake(c)) {
          throw new Invalid("channel", "must be a snowflake (17 to 20 digits)");
        }
        if (!caller.mayView(c)) {
          throw new Forbidden("the token does not allow channel " + c, "MISSING_PERMISSION", "VIEW_CHANNEL");
        }
      }
      channels = Set.copyOf(channelParams);
    } else if (caller.channels() != null) {
      channels = caller.channels(); // the token's channels claim: nothing of another channel
    }
    Set<String> types = null;
    if (!typesParams.isEmpty()) {
      Set<String> names = new LinkedHashSet<>();
      for (String list : typesParams) {
        for (String t : list.split(",")) {
          String name = t.trim();
          if (name.isEmpty()) {
            continue;
          }
          if (name.length() > 64 || !name.matches("[A-Za-z0-9._:-]+")) {
            throw new Invalid("types", "must be a comma list of event names");
          }
          names.add(name);
        }
      }
      if (names.size() > MAX_TYPES) {
        throw new Invalid("types", "at most " + MAX_TYPES + " event names");
      }
      types = names.isEmpty() ? null : Set.copyOf(names);
    }
    return new StreamFilter(guilds, channels, types);
  }

  public boolean allowsGuild(String guildId) {
    return guildId != null && guilds.contains(guildId);
  }

  /** Every check but the guild (the fan-out index already picked the guild). */
  public boolean matchesChannelAndType(StreamEvent e) {
    return (channels == null || channels.contains(e.channelId())) && (types == null || types.contains(e.name()));
  }

  public boolean matches(StreamEvent e) {
    return allowsGuild(e.guildId()) && matchesChannelAndType(e);
  }
}
