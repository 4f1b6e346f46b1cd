package dev.discordbridge.discord;

import dev.discordbridge.bus.WebhookPost;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who really wrote the bridge's webhook messages: the posts announced before execution
 * ({@link WebhookPost}), matched to the webhook's MESSAGE_CREATE by channel, username and
 * content, so that the stream shows the web user as the author instead of the webhook. A matched
 * message keeps its author by id (a replayed dispatch is shown the same). Bounded by count and
 * age. Not thread-safe: one owner, one context.
 */
final class WebhookAuthors {
  static final int MAX_ENTRIES = 10_000;
  static final long KEEP_MS = 10 * 60_000;

  private record Expected(WebhookPost post, long atMs) {}

  private final Map<String, Deque<Expected>> expected = new LinkedHashMap<>();
  private final Map<String, JsonObject> byMessage = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, JsonObject> eldest) {
      return size() > MAX_ENTRIES;
    }
  };
  private int count;

  void expect(WebhookPost post, long now) {
    expire(now);
    expected.computeIfAbsent(key(post.channelId(), post.username(), post.content()), k -> new ArrayDeque<>())
        .add(new Expected(post, now));
    count++;
    while (count > MAX_ENTRIES) {
      dropOldest();
    }
  }

  /**
   * The contract author of a webhook message (channel, author username, content), or null when it
   * is no post of the bridge's (someone else's webhook).
   */
  JsonObject author(String messageId, String channelId, String username, String content, long now) {
    JsonObject known = messageId == null ? null : byMessage.get(messageId);
    if (known != null) {
      return known.copy();
    }
    expire(now);
    String key = key(channelId, username, content);
    Deque<Expected> q = expected.get(key);
    Expected e = q == null ? null : q.poll();
    if (e == null) {
      return null;
    }
    count--;
    if (q.isEmpty()) {
      expected.remove(key);
    }
    WebhookPost p = e.post();
    JsonObject author = new JsonObject().put("id", p.userId())
        .put("username", p.displayName() != null ? p.displayName() : p.username());
    if (p.displayName() != null) {
      author.put("displayName", p.displayName());
    }
    author.put("avatarUrl", p.avatarUrl() != null ? p.avatarUrl() : Face.defaultAvatar(p.userId()));
    if (messageId != null) {
      byMessage.put(messageId, author);
    }
    return author.copy();
  }

  int size() {
    return count;
  }

  private static String key(String channelId, String username, String content) {
    return channelId + " " + username.length() + ":" + username + " " + (content == null ? "" : content.strip());
  }

  private void expire(long now) {
    Iterator<Map.Entry<String, Deque<Expected>>> it = expected.entrySet().iterator();
    while (it.hasNext()) {
      Deque<Expected> q = it.next().getValue();
      while (!q.isEmpty() && now - q.peek().atMs() >= KEEP_MS) {
        q.poll();
        count--;
      }
      if (q.isEmpty()) {
        it.remove();
      }
    }
  }

  private void dropOldest() {
    Iterator<Map.Entry<String, Deque<Expected>>> it = expected.entrySet().iterator();
    Deque<Expected> q = it.next().getValue();
    q.poll();
    count--;
    if (q.isEmpty()) {
      it.remove();
    }
  }
}
