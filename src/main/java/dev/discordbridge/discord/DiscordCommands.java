package dev.discordbridge.discord;

import dev.discordbridge.bus.MessageEcho;
import dev.discordbridge.bus.UpstreamAck;
import dev.discordbridge.contract.GatewayCommand;
import io.vertx.core.Future;

/** Where direct mode's commands go: Discord's REST API ({@link DiscordRest}), or a stand-in in tests. */
public interface DiscordCommands {

  /** As {@link dev.discordbridge.link.Upstream#send}: an ack, or LINK_DOWN when sending is stopped. */
  Future<UpstreamAck> execute(GatewayCommand command);

  /** The gateway's echo of a message the bot created (a retry of its command is then delivered, not resent). */
  default void observe(MessageEcho echo) {}

  /**
   * A member's role ids from {@code GET /guilds/{guild}/members/{user}} (null: not a member), through
   * the REST rate limiter. Stand-ins without members fail, and permissions then count as unknown.
   */
  default Future<java.util.List<String>> memberRoles(String guildId, String userId) {
    return Future.failedFuture(new UnsupportedOperationException("no member lookups here"));
  }

  /** The bot's own user id ({@code GET /users/@me}). */
  default Future<String> selfId() {
    return Future.failedFuture(new UnsupportedOperationException("no self lookup here"));
  }

  /** Where a thread's parent channel is found (null for a channel that is not a thread). */
  default void threadParents(java.util.function.UnaryOperator<String> parentOf) {}

  /** Why no command can be sent until an operator acts (Discord refused the token), or null. */
  String refusal();

  Future<Void> close();
}
