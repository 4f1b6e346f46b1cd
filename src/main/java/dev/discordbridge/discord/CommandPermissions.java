package dev.discordbridge.discord;

import dev.discordbridge.access.Guild;
import dev.discordbridge.access.GuildBook;
import dev.discordbridge.access.GuildChannel;
import dev.discordbridge.access.Permission;
import dev.discordbridge.access.Permissions;
import dev.discordbridge.bus.BusFailure;
import dev.discordbridge.bus.MemberRoles;
import dev.discordbridge.bus.UpstreamAck;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.link.UpstreamException;
import io.vertx.core.Future;
import java.util.List;

/**
 * Contract section 9's checks of a command, on the link holder, before anything reaches Discord:
 * the caller (with {@code DISCORD_PERMISSIONS=discord}) and the bot must both hold the command's
 * permissions in the channel ({@code sendMessage}: VIEW_CHANNEL + SEND_MESSAGES, or
 * SEND_MESSAGES_IN_THREADS in a thread; {@code addReaction}: VIEW_CHANNEL + READ_MESSAGE_HISTORY +
 * ADD_REACTIONS; {@code typingStart}: VIEW_CHANNEL + SEND_MESSAGES, or SEND_MESSAGES_IN_THREADS in a
 * thread). Roles come from the {@link MemberDirectory} (the bot's too, by its own user id).
 */
final class CommandPermissions {
  private final GuildBook book;
  private final MemberDirectory members;
  private final DiscordCommands discord;
  private final boolean checkCaller;
  private Future<String> botId;

  CommandPermissions(GuildBook book, MemberDirectory members, DiscordCommands discord, boolean checkCaller) {
    this.book = book;
    this.members = members;
    this.discord = discord;
    this.checkCaller = checkCaller;
  }

  /** What a command needs in a channel (in its order: the first missing one is named). */
  static List<Permission> required(String command, boolean thread) {
    Permission send = thread ? Permission.SEND_MESSAGES_IN_THREADS : Permission.SEND_MESSAGES;
    return switch (command) {
      case "addReaction" -> List.of(Permission.VIEW_CHANNEL, Permission.READ_MESSAGE_HISTORY, Permission.ADD_REACTIONS);
      case "sendMessage", "typingStart" -> List.of(Permission.VIEW_CHANNEL, send);
      default -> List.of(Permission.VIEW_CHANNEL);
    };
  }

  /** The first permission missing from {@code bits}, or null when all are there. */
  static Permission missing(long bits, List<Permission> needed) {
    for (Permission p : needed) {
      if (!p.in(bits)) {
        return p;
      }
    }
    return null;
  }

  /**
   * Null when the command may go; a refusal ack (MISSING_PERMISSION / BOT_MISSING_PERMISSION) when
   * not; fails LINK_DOWN (the queue retries) when a member's roles could not be learnt.
   */
  Future<UpstreamAck> check(GatewayCommand c) {
    Guild guild = book.guild(c.guildId());
    GuildChannel channel = guild == null ? null : guild.channel(c.channelId());
    if (channel == null) {
      return Future.succeededFuture(null); // the channel index decided it is the guild's: the book follows it
    }
    List<Permission> needed = required(c.name(), channel.thread());
    Future<UpstreamAck> caller = checkCaller
        ? members.roles(c.guildId(), c.actorUserId()).compose(m -> judge(c, m, needed, UpstreamAck.MISSING_PERMISSION, "You lack"))
        : Future.succeededFuture(null);
    return caller.compose(refusal -> refusal != null ? Future.succeededFuture(refusal)
        : bot().compose(id -> members.roles(c.guildId(), id))
            .compose(m -> judge(c, m, needed, UpstreamAck.BOT_MISSING_PERMISSION, "The bot lacks")));
  }

  private Future<UpstreamAck> judge(GatewayCommand c, MemberRoles m, List<Permission> needed, String reason, String who) {
    if (!m.known()) {
      return Future.failedFuture(new UpstreamException(BusFailure.LINK_DOWN,
          "the roles of user " + m.userId() + " in guild " + c.guildId() + " could not be learnt from Discord"));
    }
    Guild guild = book.guild(c.guildId());
    long bits = m.member() && guild != null ? Permissions.inChannel(guild, m.userId(), m.roles(), c.channelId()) : 0L;
    Permission lacking = missing(bits, needed);
    if (lacking == null) {
      return Future.succeededFuture(null);
    }
    return Future.succeededFuture(UpstreamAck.refused(new UpstreamAck.UpstreamError(reason,
        who + " " + lacking.name() + " in channel " + c.channelId() + ".", false, null, lacking.name())));
  }

  private Future<String> bot() {
    if (botId == null || botId.failed()) {
      botId = discord.selfId();
    }
    return botId.recover(err -> Future.failedFuture(new UpstreamException(BusFailure.LINK_DOWN,
        "the bot's own user id could not be learnt (GET /users/@me): " + err.getMessage())));
  }
}
