package dev.discordbridge.discord;

import dev.discordbridge.bus.MessageEcho;
import dev.discordbridge.discord.rest.RestNonce;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The messages the bot is known to have created, by the nonce of their create request: from
 * Discord's answer, from the gateway's echo (the bot's own MESSAGE_CREATE carries the nonce) or
 * from a look at the channel's recent messages. A command whose nonce is here was delivered and
 * is never sent again. Bounded by age ({@code keepMs}, at least the commands' maximum age) and
 * by count ({@code maxEntries}, the oldest go first). Not thread-safe: one owner, one context.
 */
public final class SentMessages {
  /** A message created with a nonce. */
  record Sent(String channelId, String messageId, long atMs) {}

  private final long keepMs;
  private final int maxEntries;
  private final LinkedHashMap<String, Sent> byNonce = new LinkedHashMap<>();
  private final Map<String, String> nonceOfMessage = new HashMap<>();

  SentMessages(long keepMs, int maxEntries) {
    if (keepMs <= 0 || maxEntries <= 0) {
      throw new IllegalArgumentException("keepMs and maxEntries must be positive");
    }
    this.keepMs = keepMs;
    this.maxEntries = maxEntries;
  }

  /** The message created with {@code nonce}, or null when none is known. */
  Sent byNonce(String nonce, long now) {
    expire(now);
    return byNonce.get(nonce);
  }

  /** Remembers that {@code nonce} created {@code messageId} (the first word wins). */
  void record(String nonce, String channelId, String messageId, long now) {
    expire(now);
    if (nonce == null || messageId == null || byNonce.containsKey(nonce)) {
      return;
    }
    byNonce.put(nonce, new Sent(channelId, messageId, now));
    nonceOfMessage.put(messageId, nonce);
    while (byNonce.size() > maxEntries) {
      drop(byNonce.entrySet().iterator());
    }
  }

  /** True when {@code messageId} is known to belong to another nonce than {@code nonce}. */
  boolean claimedByOther(String messageId, String nonce) {
    String owner = nonceOfMessage.get(messageId);
    return owner != null && !owner.equals(nonce);
  }

  int size() {
    return byNonce.size();
  }

  private void expire(long now) {
    Iterator<Map.Entry<String, Sent>> it = byNonce.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Sent> e = it.next();
      if (now - e.getValue().atMs() < keepMs) {
        return; // insertion order is time order
      }
      nonceOfMessage.remove(e.getValue().messageId());
      it.remove();
    }
  }

  private void drop(Iterator<Map.Entry<String, Sent>> it) {
    Map.Entry<String, Sent> e = it.next();
    nonceOfMessage.remove(e.getValue().messageId());
    it.remove();
  }

  /**
   * The echo in a dispatch: a MESSAGE_CREATE with a string {@code nonce} of the bridge's length
   * (Discord clients use numeric nonces), or a webhook's MESSAGE_CREATE, or null.
   */
  public static MessageEcho echoOf(String type, JsonObject d) {
    if ("MESSAGE_CREATE".equals(type) && d != null && d.getValue("webhook_id") instanceof String webhook
        && d.getValue("id") instanceof String id && d.getValue("channel_id") instanceof String channel
        && d.getValue("author") instanceof JsonObject author && author.getValue("username") instanceof String name) {
      // A webhook execution has no nonce: the echo is matched by webhook, channel, username and content.
      return new MessageEcho("webhook:" + webhook, d.getValue("guild_id") instanceof String g ? g : null, channel, id,
          webhook, name, d.getValue("content") instanceof String c ? c : "");
    }
    if (!"MESSAGE_CREATE".equals(type) || d == null || !(d.getValue("nonce") instanceof String nonce)
        || nonce.length() != RestNonce.LENGTH || !(d.getValue("id") instanceof String id)
        || !(d.getValue("channel_id") instanceof String channel)) {
      return null;
    }
    return new MessageEcho(nonce, d.getValue("guild_id") instanceof String g ? g : null, channel, id);
  }
}
