package dev.discordbridge.discord;

import dev.discordbridge.bus.MessageEcho;
import dev.discordbridge.discord.rest.RestRateLimiter;
import dev.discordbridge.discord.rest.RestRoute;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's webhooks (webhook attribution, contract section 10): one per channel, named
 * {@link #NAME}, found among the channel's webhooks ({@code GET /channels/{id}/webhooks}: the one
 * of that name the bot created) or created once ({@code POST /channels/{id}/webhooks}). A channel
 * where Discord refuses (403, e.g. 50013 without MANAGE_WEBHOOKS; 400 for the name; 30007 too
 * many webhooks) falls back to {@code prefix}, said once per channel in the log. A webhook
 * deleted meanwhile (10015 Unknown Webhook on execution) is forgotten and made again.
 *
 * <p>Executions take no nonce, so each execution whose answer has not come is remembered
 * ({@link #pending}) by webhook, channel, username and content; the gateway's echo of the
 * webhook's message (it carries {@code webhook_id}) confirms the oldest such execution. Memory is
 * bounded ({@link #MAX_CHANNELS} channels, {@link #MAX_PENDING} executions). Not thread-safe:
 * one owner, one context.
 */
final class Webhooks {
  private static final Logger LOG = LoggerFactory.getLogger(Webhooks.class);
  /** The name of the bridge's webhooks ("discord" and "clyde" are refused in names). */
  static final String NAME = "Bridge";
  static final int MAX_CHANNELS = 10_000;
  static final int MAX_PENDING = 10_000;

  /** A webhook the bridge may execute; its token is a secret (never logged). */
  record Hook(String id, String token) {
    @Override
    public String toString() {
      return "Hook[" + id + "]";
    }
  }

  /** Discord answered a list or create with an error: {@code refused} when the channel should fall back to prefix. */
  static final class Failure extends RuntimeException {
    final HttpResponse<Buffer> response;
    final boolean refused;

    Failure(HttpResponse<Buffer> response, boolean refused) {
      super("HTTP " + response.statusCode(), null, false, false);
      this.response = response;
      this.refused = refused;
    }
  }

  private record Pending(String key, String nonce, String channelId, long atMs) {}

  private final BiFunction<RestRoute, JsonObject, Future<HttpResponse<Buffer>>> call;
  private final Supplier<Future<String>> botUserId;
  private final Map<String, Future<Hook>> hooks = lru(MAX_CHANNELS);
  private final Map<String, Boolean> refused = lru(MAX_CHANNELS);
  private final Map<String, Deque<Pending>> pending = new LinkedHashMap<>();
  private int pendingCount;

  Webhooks(BiFunction<RestRoute, JsonObject, Future<HttpResponse<Buffer>>> call, Supplier<Future<String>> botUserId) {
    this.call = call;
    this.botUserId = botUserId;
  }

  /** Whether {@code channelId} fell back to prefix (Discord refused the bridge a webhook there). */
  boolean refused(String channelId) {
    return refused.containsKey(channelId);
  }

  /**
   * The bridge's webhook of {@code channelId} (a thread's parent for a thread), found or created;
   * null when Discord refused it (the channel falls back to prefix from now on). Fails with
   * {@link Failure} (not refused) when Discord could not answer as hoped (5xx, 404...).
   */
  Future<Hook> hookFor(String channelId, String traceId) {
    if (refused.containsKey(channelId)) {
      return Future.succeededFuture(null);
    }
    Future<Hook> known = hooks.get(channelId);
    if (known != null) {
      return known;
    }
    Future<Hook> f = find(channelId).compose(found -> found != null ? Future.succeededFuture(found) : create(channelId, traceId))
        .recover(e -> {
          if (e instanceof Failure failure && failure.refused) {
            refuse(channelId, failure.response, traceId);
            return Future.succeededFuture(null);
          }
          return Future.failedFuture(e);
        });
    hooks.put(channelId, f);
    f.onFailure(e -> hooks.remove(channelId, f));
    return f;
  }

  /** The webhook is gone (10015): the next {@link #hookFor} looks again and creates one. */
  void forget(String channelId, Hook hook) {
    Future<Hook> known = hooks.get(channelId);
    if (known != null && known.succeeded() && hook.equals(known.result())) {
      hooks.remove(channelId);
    }
  }

  private Future<Hook> find(String channelId) {
    return botUserId.get().compose(bot -> call.apply(RestRoute.of(HttpMethod.GET, "/channels/" + channelId + "/webhooks"), null)
        .compose(r -> {
          checked(r);
          JsonArray list;
          try {
            list = r.body() == null ? new JsonArray() : new JsonArray(r.body());
          } catch (RuntimeException e) {
            return Future.failedFuture(new Failure(r, false));
          }
          for (Object o : list) {
            if (o instanceof JsonObject w && NAME.equals(w.getValue("name")) && w.getValue("token") instanceof String token
                && w.getValue("id") instanceof String id && w.getValue("user") instanceof JsonObject u
                && bot.equals(u.getValue("id"))) {
              return Future.succeededFuture(new Hook(id, token));
            }
          }
          return Future.succeededFuture(null);
        }));
  }

  private Future<Hook> create(String channelId, String traceId) {
    return call.apply(RestRoute.of(HttpMethod.POST, "/channels/" + channelId + "/webhooks"), new JsonObject().put("name", NAME))
        .compose(r -> {
          checked(r);
          JsonObject w = RestRateLimiter.json(r);
          if (!(w.getValue("id") instanceof String id) || !(w.getValue("token") instanceof String token)) {
            return Future.failedFuture(new Failure(r, false));
          }
          LOG.info("[trace {}] created the bridge's webhook {} in channel {}", traceId, id, channelId);
          return Future.succeededFuture(new Hook(id, token));
        });
  }

  /** Throws a {@link Failure} for an answer that is not a success: refused for 403, 400 and 30007. */
  private static void checked(HttpResponse<Buffer> r) {
    int s = r.statusCode();
    if (s >= 200 && s < 300) {
      return;
    }
    int code = RestRateLimiter.json(r).getInteger("code", 0);
    throw new Failure(r, s == 403 || s == 400 || code == 30007);
  }

  private void refuse(String channelId, HttpResponse<Buffer> r, String traceId) {
    if (refused.put(channelId, Boolean.TRUE) == null) {
      JsonObject body = RestRateLimiter.json(r);
      LOG.warn("[trace {}] no webhook in channel {} (Discord answered HTTP {} code {}: {}): web messages there are posted by the bot "
          + "as **name**: content; grant the bot Manage Webhooks there to post under the senders' names", traceId, channelId,
          r.statusCode(), body.getValue("code"), body.getValue("message"));
    }
  }

  // ---- executions awaiting their answer or echo ----

  static String key(String webhookId, String channelId, String username, String content) {
    return webhookId + " " + channelId + " " + username.length() + ":" + username + " " + content.strip();
  }

  /** An execution is about to be sent (or sent again after an unconfirmed loss). */
  void executing(String key, String nonce, String channelId, long now) {
    Deque<Pending> q = pending.computeIfAbsent(key, k -> new ArrayDeque<>());
    for (Pending p : q) {
      if (p.nonce().equals(nonce)) {
        return;
      }
    }
    q.add(new Pending(key, nonce, channelId, now));
    pendingCount++;
    while (pendingCount > MAX_PENDING) {
      Iterator<Map.Entry<String, Deque<Pending>>> it = pending.entrySet().iterator();
      Deque<Pending> oldest = it.next().getValue();
      oldest.poll();
      pendingCount--;
      if (oldest.isEmpty()) {
        it.remove();
      }
    }
  }

  /** The execution's outcome is known (an answer came, or it was confirmed): it no longer waits for an echo. */
  void settled(String key, String nonce) {
    Deque<Pending> q = pending.get(key);
    if (q != null && q.removeIf(p -> p.nonce().equals(nonce))) {
      pendingCount--;
      if (q.isEmpty()) {
        pending.remove(key);
      }
    }
  }

  /**
   * The gateway's echo of a webhook message: the nonce of the oldest execution it answers (same
   * webhook, channel, username and content) whose message is not known yet, or null.
   */
  String echoed(MessageEcho echo, SentMessages sent, long now) {
    if (echo.webhookId() == null || echo.username() == null) {
      return null;
    }
    Deque<Pending> q = pending.get(key(echo.webhookId(), echo.channelId(), echo.username(),
        echo.content() == null ? "" : echo.content()));
    if (q == null) {
      return null;
    }
    Set<String> tried = new HashSet<>();
    for (Pending p : q) {
      if (tried.add(p.nonce()) && sent.byNonce(p.nonce(), now) == null && !sent.claimedByOther(echo.messageId(), p.nonce())) {
        return p.nonce();
      }
    }
    return null;
  }

  int pendingCount() {
    return pendingCount;
  }

  private static <V> Map<String, V> lru(int max) {
    return new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > max;
      }
    };
  }
}
