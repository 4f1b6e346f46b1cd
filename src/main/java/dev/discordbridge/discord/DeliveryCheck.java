package dev.discordbridge.discord;

import dev.discordbridge.discord.rest.RestRateLimiter;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.function.Function;

/**
 * Before a message is sent again past Discord's nonce window: was it in fact created? Reads the
 * channel's messages created since the command was requested ({@code GET
 * /channels/{id}/messages?after=...&limit=100}, at most {@link #MAX_PAGES} pages) and looks for
 * the bot's message: the same nonce where Discord returns one, else the same content (and reply
 * target), by the bot, not already known to belong to another command. The answer: the message
 * id, {@link #NOT_FOUND}, or a failed future when Discord could not be asked ({@link Unknown}).
 */
final class DeliveryCheck {
  /** Pages of 100 messages read at most: past that the channel is too busy to be sure. */
  static final int MAX_PAGES = 5;
  /** How far before the command's request time the search starts (clocks of nodes and Discord differ). */
  static final long CLOCK_SKEW_MS = 60_000;
  static final String NOT_FOUND = "";
  private static final long DISCORD_EPOCH_MS = 1_420_070_400_000L;

  /** Discord could not tell (an error, or more recent messages than {@link #MAX_PAGES} pages): not confirmed either way. */
  static final class Unknown extends RuntimeException {
    final boolean retryable;

    Unknown(String message, boolean retryable) {
      super(message, null, false, false);
      this.retryable = retryable;
    }
  }

  private final Function<String, Future<HttpResponse<Buffer>>> get;
  private final SentMessages sent;
  private String botUserId;

  /** @param get sends {@code GET path} (under the API base) through the rate limiter */
  DeliveryCheck(Function<String, Future<HttpResponse<Buffer>>> get, SentMessages sent) {
    this.get = get;
    this.sent = sent;
  }

  Future<String> find(String channelId, String nonce, String content, String replyTo, long requestedAtMs) {
    return botUserId().compose(bot -> page(channelId, (m, id) -> matches(m, id, nonce, content, replyTo, bot),
        snowflake(requestedAtMs - CLOCK_SKEW_MS), 1));
  }

  /**
   * As {@link #find}, for a webhook execution (no nonce): a message of webhook {@code webhookId}
   * under {@code username} with the same content, not already known to belong to another command.
   */
  Future<String> findWebhook(String channelId, String webhookId, String nonce, String username, String content,
                             long requestedAtMs) {
    return page(channelId, (m, id) -> webhookId.equals(m.getValue("webhook_id"))
        && m.getValue("author") instanceof JsonObject a && username.equals(a.getValue("username"))
        && content.strip().equals(String.valueOf(m.getValue("content")).strip()) && !sent.claimedByOther(id, nonce),
        snowflake(requestedAtMs - CLOCK_SKEW_MS), 1);
  }

  private Future<String> page(String channelId, java.util.function.BiPredicate<JsonObject, String> match, long after,
                              int number) {
    return get.apply("/channels/" + channelId + "/messages?limit=100&after=" + after).compose(r -> {
      JsonArray page = array(r);
      long newest = after;
      for (Object o : page) {
        if (!(o instanceof JsonObject m) || !(m.getValue("id") instanceof String id)) {
          continue;
        }
        newest = Math.max(newest, parse(id));
        if (match.test(m, id)) {
          return Future.succeededFuture(id);
        }
      }
      if (page.size() < 100) {
        return Future.succeededFuture(NOT_FOUND);
      }
      if (number >= MAX_PAGES) {
        return Future.failedFuture(new Unknown("more than " + (MAX_PAGES * 100)
            + " messages in the channel since the command was requested", false));
      }
      return page(channelId, match, newest, number + 1);
    });
  }

  private boolean matches(JsonObject m, String id, String nonce, String content, String replyTo, String bot) {
    if (!(m.getValue("author") instanceof JsonObject author) || !bot.equals(author.getValue("id"))) {
      return false;
    }
    Object theirs = m.getValue("nonce");
    if (theirs != null) {
      return nonce.equals(String.valueOf(theirs));
    }
    if (sent.claimedByOther(id, nonce) || !content.strip().equals(String.valueOf(m.getValue("content")).strip())) {
      return false;
    }
    Object ref = m.getValue("message_reference") instanceof JsonObject o ? o.getValue("message_id") : null;
    return replyTo == null ? ref == null : replyTo.equals(ref);
  }

  /** The bot's own user id ({@code GET /users/@me}, asked once). */
  Future<String> botUserId() {
    if (botUserId != null) {
      return Future.succeededFuture(botUserId);
    }
    return get.apply("/users/@me").compose(r -> {
      JsonObject me = object(r);
      if (!(me.getValue("id") instanceof String id)) {
        return Future.failedFuture(new Unknown("GET /users/@me gave no id", true));
      }
      botUserId = id;
      return Future.succeededFuture(id);
    });
  }

  private static JsonArray array(HttpResponse<Buffer> r) {
    ok(r);
    try {
      return r.body() == null ? new JsonArray() : new JsonArray(r.body());
    } catch (RuntimeException e) {
      throw new Unknown("Discord answered the message list with something else than a JSON array", true);
    }
  }

  private static JsonObject object(HttpResponse<Buffer> r) {
    ok(r);
    return RestRateLimiter.json(r);
  }

  private static void ok(HttpResponse<Buffer> r) {
    int s = r.statusCode();
    if (s < 200 || s >= 300) {
      // 403/404: the bot cannot read the channel (any more); 5xx and the rest: try again later
      throw new Unknown("Discord answered HTTP " + s + " when asked for the channel's recent messages",
          s >= 500 || s == 429);
    }
  }

  /** The smallest snowflake of {@code epochMs}: ids after it were created at or after that time. */
  static long snowflake(long epochMs) {
    return Math.max(0, epochMs - DISCORD_EPOCH_MS) << 22;
  }

  private static long parse(String id) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
