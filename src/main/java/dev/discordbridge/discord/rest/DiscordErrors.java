package dev.discordbridge.discord.rest;

import dev.discordbridge.bus.UpstreamAck.UpstreamError;
import io.vertx.core.json.JsonObject;

/**
 * Discord's refusals in the contract's terms. A 4xx (other than 401 and 429) is final:
 * {@code DISCORD_<json code>} (50013 Missing Permissions, 10003 Unknown Channel, 10014 Unknown
 * Emoji, ...) or {@code DISCORD_HTTP_<status>} when the body has no code, never retryable.
 * A 5xx, a timeout or a broken connection is {@code DISCORD_UNAVAILABLE}, retryable; a rate
 * limit too long to wait out is {@code DISCORD_RATE_LIMITED}, retryable with its wait.
 */
public final class DiscordErrors {
  public static final String UNAVAILABLE = "DISCORD_UNAVAILABLE";
  public static final String RATE_LIMITED = "DISCORD_RATE_LIMITED";
  public static final String BAD_COMMAND = "DISCORD_BAD_COMMAND";
  public static final String UNCONFIRMED = "DISCORD_DELIVERY_UNCONFIRMED";
  private static final int MAX_MESSAGE = 300;

  private DiscordErrors() {}

  /** A final refusal from a 4xx answer and its JSON body (possibly empty). */
  public static UpstreamError rejected(int status, JsonObject body) {
    Object code = body.getValue("code");
    String message = body.getValue("message") instanceof String m ? m : "HTTP " + status;
    String name = code instanceof Number n && n.longValue() > 0 ? "DISCORD_" + n.longValue() : "DISCORD_HTTP_" + status;
    return new UpstreamError(name, clip(message), false, null);
  }

  /** Discord could not be reached or failed (5xx, timeout, connection error): try again later. */
  public static UpstreamError unavailable(String detail) {
    return new UpstreamError(UNAVAILABLE, clip(detail), true, null);
  }

  /** Discord's rate limit holds this request for {@code retryAfterMs}. */
  public static UpstreamError rateLimited(long retryAfterMs, String scope) {
    return new UpstreamError(RATE_LIMITED, "Discord rate limit (" + scope + ")", true, retryAfterMs);
  }

  /**
   * Past the nonce window, whether an earlier attempt created the message cannot be told (the
   * channel is too busy, or the bot cannot read it): not sent again, so that it never posts twice.
   */
  public static UpstreamError unconfirmed(String detail) {
    return new UpstreamError(UNCONFIRMED, clip("not sent again: an earlier attempt may have posted it, and " + detail),
        false, null);
  }

  /** The command cannot be turned into a Discord request. */
  public static UpstreamError badCommand(String detail) {
    return new UpstreamError(BAD_COMMAND, clip(detail), false, null);
  }

  private static String clip(String s) {
    return s == null ? "" : s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE);
  }
}
