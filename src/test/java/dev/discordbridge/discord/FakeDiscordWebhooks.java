package dev.discordbridge.discord;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The fake Discord's webhooks (resources/webhook.mdx): list and create per channel (403 50013 in
 * a channel where the bot lacks MANAGE_WEBHOOKS, {@link #manageWebhooks}; 400 for a name with
 * "discord" or "clyde"), execute ({@code ?wait=true} answers the message, {@code thread_id}
 * posts in a thread; an unknown or deleted webhook is 404 10015), delete ({@link #delete}). A
 * created message has {@code webhook_id} and the author {id: webhook id, username, bot: true}.
 */
public final class FakeDiscordWebhooks {
  public static final String LIST = "webhooks-list";
  public static final String CREATE = "webhooks-create";
  public static final String EXECUTE = "webhooks-execute";

  public record Hook(String id, String token, String channelId, String name) {}

  private final Map<String, Hook> hooks = new LinkedHashMap<>();
  private final Set<String> withoutManageWebhooks = new HashSet<>();
  private final List<JsonObject> executions = new ArrayList<>();
  private int created;

  /** The route of a request, or null when it is none of the webhooks'. */
  public static String route(String method, String[] s) {
    if (s.length == 3 && "channels".equals(s[0]) && "webhooks".equals(s[2])) {
      return "GET".equals(method) ? LIST : "POST".equals(method) ? CREATE : null;
    }
    return s.length == 3 && "webhooks".equals(s[0]) && "POST".equals(method) ? EXECUTE : null;
  }

  /** The channel's setting: without MANAGE_WEBHOOKS, list and create answer 403 50013. */
  public synchronized FakeDiscordWebhooks manageWebhooks(String channelId, boolean granted) {
    if (granted) {
      withoutManageWebhooks.remove(channelId);
    } else {
      withoutManageWebhooks.add(channelId);
    }
    return this;
  }

  /** Deletes a webhook (as a moderator would in the channel's settings). */
  public synchronized void delete(String id) {
    hooks.remove(id);
  }

  public synchronized List<Hook> hooks() {
    return List.copyOf(hooks.values());
  }

  public synchronized int createdCount() {
    return created;
  }

  /** The bodies of executions that created a message. */
  public synchronized List<JsonObject> executions() {
    return List.copyOf(executions);
  }

  /** Adds a webhook another user or application made (the bridge must not take it). */
  public synchronized Hook foreign(String channelId, String name, LongSupplier ids) {
    Hook h = new Hook(Long.toString(ids.getAsLong()), "foreign-token", channelId, name);
    hooks.put(h.id(), h);
    return h;
  }

  public synchronized FakeDiscordRest.Answer answer(String route, String[] s, HttpServerRequest req, Buffer raw, MultiMap h,
                                             LongSupplier ids, Consumer<JsonObject> addMessage) {
    JsonObject body = raw.length() == 0 ? new JsonObject() : new JsonObject(raw);
    switch (route) {
      case LIST -> {
        if (withoutManageWebhooks.contains(s[1])) {
          return new FakeDiscordRest.Answer(403, h, FakeDiscordRest.error(50013, "Missing Permissions"));
        }
        JsonArray out = new JsonArray();
        hooks.values().stream().filter(w -> w.channelId().equals(s[1])).forEach(w -> out.add(json(w)));
        return new FakeDiscordRest.Answer(200, h, out);
      }
      case CREATE -> {
        if (withoutManageWebhooks.contains(s[1])) {
          return new FakeDiscordRest.Answer(403, h, FakeDiscordRest.error(50013, "Missing Permissions"));
        }
        String name = body.getString("name", "");
        String lower = name.toLowerCase();
        if (name.isEmpty() || name.length() > 80 || lower.contains("discord") || lower.contains("clyde")) {
          return new FakeDiscordRest.Answer(400, h, FakeDiscordRest.error(50035, "Invalid Form Body"));
        }
        String id = Long.toString(ids.getAsLong());
        Hook w = new Hook(id, "tok" + id + "-secret", s[1], name);
        hooks.put(id, w);
        created++;
        return new FakeDiscordRest.Answer(200, h, json(w));
      }
      default -> {
        Hook w = hooks.get(s[1]);
        if (w == null || !w.token().equals(s[2])) {
          return new FakeDiscordRest.Answer(404, h, FakeDiscordRest.error(10015, "Unknown Webhook"));
        }
        String content = body.getString("content", "");
        String username = body.getString("username", w.name());
        String lower = username.toLowerCase();
        if (content.isEmpty() || content.codePointCount(0, content.length()) > 2000 || username.isEmpty()
            || username.length() > 80 || lower.contains("discord") || lower.contains("clyde")) {
          return new FakeDiscordRest.Answer(400, h, FakeDiscordRest.error(50035, "Invalid Form Body"));
        }
        String channel = req.getParam("thread_id") != null ? req.getParam("thread_id") : w.channelId();
        JsonObject m = new JsonObject().put("id", Long.toString(ids.getAsLong())).put("channel_id", channel)
            .put("webhook_id", w.id()).put("content", content).put("timestamp", java.time.Instant.now().toString())
            .put("author", new JsonObject().put("id", w.id()).put("username", username).put("bot", true)
                .put("discriminator", "0000").putNull("avatar"))
            .put("type", 0).put("mentions", new JsonArray());
        addMessage.accept(m);
        executions.add(body.copy());
        return "true".equals(req.getParam("wait")) ? new FakeDiscordRest.Answer(200, h, m.copy())
            : new FakeDiscordRest.Answer(204, h, null);
      }
    }
  }

  private static JsonObject json(Hook w) {
    return new JsonObject().put("id", w.id()).put("type", 1).put("channel_id", w.channelId()).put("name", w.name())
        .put("token", w.token()).put("user", w.token().equals("foreign-token")
            ? new JsonObject().put("id", "1098764523409876499").put("username", "someone")
            : FakeDiscordRest.botUser());
  }
}
