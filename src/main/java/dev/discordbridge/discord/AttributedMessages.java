package dev.discordbridge.discord;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.MessageEcho;
import dev.discordbridge.bus.UpstreamAck;
import dev.discordbridge.bus.WebhookPost;
import dev.discordbridge.config.Attribution;
import dev.discordbridge.contract.EventName;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.discord.rest.DiscordErrors;
import dev.discordbridge.discord.rest.RestNonce;
import dev.discordbridge.discord.rest.RestRateLimiter;
import dev.discordbridge.discord.rest.RestRoute;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A web user's message in Discord under their name (contract section 10, {@code DISCORD_ATTRIBUTION}):
 * through the channel's bridge webhook ({@link Webhooks}) with the sender's display name and
 * avatar, or, where the channel has no webhook for the bridge, by the bot as
 * {@code **displayName**: content}.
 *
 * <p>At most once: Execute Webhook takes no nonce, so an execution is sent again only when it is
 * known not to have posted. It is known posted from its answer ({@code ?wait=true} gives the
 * message), from the gateway's echo of the webhook's message (same webhook, channel, username and
 * content, {@link Webhooks#echoed}), or, before any resend, from the channel's recent messages
 * ({@link DeliveryCheck#findWebhook}). When Discord cannot say, the command fails unconfirmed
 * instead of risking a second post. Not thread-safe: the owner's context.
 */
final class AttributedMessages {
  /** How long a post waits for this node's shard side to store its announcement (then it goes out anyway). */
  static final long ANNOUNCE_TIMEOUT_MS = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(AttributedMessages.class);
  /** A command older than this may have been tried by another node: look before posting. */
  static final long FIRST_TRY_MS = 5_000;
  static final int MAX_USERNAME = 80;
  private static final Pattern DISCORD = Pattern.compile("(?i)disc(o)rd");
  private static final Pattern CLYDE = Pattern.compile("(?i)cly(d)e");

  /** How the owner settles Discord's answer into an ack (its error mapping and logging). */
  interface Settle {
    Future<UpstreamAck> apply(GatewayCommand c, RestRoute route, AsyncResult<HttpResponse<Buffer>> ar,
                              Function<JsonObject, JsonObject> result);
  }

  private final Vertx vertx;
  private final Attribution mode;
  private final BiFunction<RestRoute, JsonObject, Future<HttpResponse<Buffer>>> call;
  private final Settle settle;
  private final SentMessages sent;
  private final DeliveryCheck check;
  private final Webhooks hooks;
  private final Map<String, Boolean> attempted = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > Webhooks.MAX_PENDING;
    }
  };
  private UnaryOperator<String> threadParent = channel -> null;

  AttributedMessages(Vertx vertx, Attribution mode, BiFunction<RestRoute, JsonObject, Future<HttpResponse<Buffer>>> call,
                     Settle settle, SentMessages sent, DeliveryCheck check) {
    this.vertx = vertx;
    this.mode = mode;
    this.call = call;
    this.settle = settle;
    this.sent = sent;
    this.check = check;
    this.hooks = new Webhooks(call, check::botUserId);
  }

  /** Where a thread's parent is found (a thread's webhook is its parent channel's). */
  void threadParents(UnaryOperator<String> parentOf) {
    this.threadParent = parentOf;
  }

  Attribution mode() {
    return mode;
  }

  Webhooks webhooks() {
    return hooks;
  }

  /**
   * Sends {@code c}: through a webhook in {@code webhook} mode (a reply too goes by the bot, since
   * webhooks cannot reply), else by the bot ({@code asBot}, given the content to post).
   */
  Future<UpstreamAck> send(GatewayCommand c, String content, String replyTo,
                           Function<String, Future<UpstreamAck>> asBot) {
    if (mode == Attribution.NONE) {
      return asBot.apply(content);
    }
    if (mode == Attribution.PREFIX || replyTo != null) {
      return asBot.apply(prefixed(c, content));
    }
    String nonce = RestNonce.of(c.id());
    SentMessages.Sent known = sent.byNonce(nonce, System.currentTimeMillis());
    if (known != null) {
      return Future.succeededFuture(UpstreamAck.delivered(new JsonObject().put("messageId", known.messageId())));
    }
    String parent = threadParent.apply(c.channelId());
    String hookChannel = parent != null ? parent : c.channelId();
    return hooks.hookFor(hookChannel, c.traceId()).transform(ar -> {
      if (ar.failed()) {
        return ar.cause() instanceof Webhooks.Failure f
            ? settle.apply(c, RestRoute.of(HttpMethod.GET, "/channels/" + hookChannel + "/webhooks"),
                Future.succeededFuture(f.response), m -> new JsonObject())
            : settle.apply(c, RestRoute.of(HttpMethod.GET, "/channels/" + hookChannel + "/webhooks"),
                Future.failedFuture(ar.cause()), m -> new JsonObject());
      }
      if (ar.result() == null) {
        return asBot.apply(prefixed(c, content));
      }
      return execute(c, ar.result(), hookChannel, parent != null, content, nonce, true);
    });
  }

  private Future<UpstreamAck> execute(GatewayCommand c, Webhooks.Hook hook, String hookChannel, boolean thread,
                                      String content, String nonce, boolean mayRecreate) {
    String username = username(c);
    String key = Webhooks.key(hook.id(), c.channelId(), username, content);
    long now = System.currentTimeMillis();
    boolean maybePosted = attempted.containsKey(nonce) || now - c.requestedAt() > FIRST_TRY_MS;
    Future<String> look = maybePosted
        ? check.findWebhook(c.channelId(), hook.id(), nonce, username, content, c.requestedAt())
        : Future.succeededFuture(DeliveryCheck.NOT_FOUND);
    return look.transform(found -> {
      if (found.succeeded() && !DeliveryCheck.NOT_FOUND.equals(found.result())) {
        return confirmed(c, key, nonce, found.result(), "found in the channel");
      }
      SentMessages.Sent echoed = sent.byNonce(nonce, System.currentTimeMillis());
      if (echoed != null) {
        return confirmed(c, key, nonce, echoed.messageId(), "seen on the gateway");
      }
      if (found.failed()) {
        RestRoute history = RestRoute.of(HttpMethod.GET, "/channels/" + c.channelId() + "/messages");
        return found.cause() instanceof DeliveryCheck.Unknown u
            ? Future.succeededFuture(UpstreamAck.refused(u.retryable ? DiscordErrors.unavailable("not sent: " + u.getMessage())
                : DiscordErrors.unconfirmed(u.getMessage())))
            : settle.apply(c, history, Future.failedFuture(found.cause()), m -> new JsonObject());
      }
      attempted.put(nonce, Boolean.TRUE);
      hooks.executing(key, nonce, c.channelId(), System.currentTimeMillis());
      WebhookPost post = new WebhookPost(c.channelId(), username, content,
          c.actorUserId() == null ? "0" : c.actorUserId(), c.actorDisplayName(), c.actorAvatarUrl());
      // Before the post: shard holders then show its echo as the web user's message.
      return announce(post).compose(v -> post(c, hook, hookChannel, thread, content, username, nonce, mayRecreate));
    });
  }

  /**
   * This node's shard side stores the post first (its answer means it will recognise the echo,
   * whatever the order in which its event loop reads the gateway socket and the bus), then every
   * other node hears of it. Never fails: without the local answer the post still goes out.
   */
  private Future<Void> announce(WebhookPost post) {
    return vertx.eventBus().<String>request(Addresses.DISCORD_WEBHOOK_POSTS_LOCAL, post,
            new DeliveryOptions().setLocalOnly(true).setSendTimeout(ANNOUNCE_TIMEOUT_MS))
        .map(m -> m.body())
        .otherwise((String) null)
        .map(origin -> {
          DeliveryOptions options = new DeliveryOptions();
          if (origin != null) {
            options.addHeader(Addresses.WEBHOOK_POST_ORIGIN_HEADER, origin);
          }
          vertx.eventBus().publish(Addresses.DISCORD_WEBHOOK_POSTS, post, options);
          return null;
        });
  }

  private Future<UpstreamAck> post(GatewayCommand c, Webhooks.Hook hook, String hookChannel, boolean thread,
                                   String content, String username, String nonce, boolean mayRecreate) {
    String key = Webhooks.key(hook.id(), c.channelId(), username, content);
    JsonObject body = new JsonObject().put("content", content).put("username", username)
        .put("allowed_mentions", new JsonObject().put("parse", new JsonArray()));
    if (c.actorAvatarUrl() != null) {
      body.put("avatar_url", c.actorAvatarUrl());
    }
    RestRoute route = RestRoute.of(HttpMethod.POST, "/webhooks/" + hook.id() + "/" + hook.token() + "?wait=true"
        + (thread ? "&thread_id=" + c.channelId() : ""));
    return call.apply(route, body).transform(ar -> {
      if (ar.succeeded() && ar.result().statusCode() == 404
          && RestRateLimiter.json(ar.result()).getInteger("code", 0) == 10015) {
        hooks.settled(key, nonce); // an unknown webhook posted nothing
        hooks.forget(hookChannel, hook);
        LOG.info("[trace {}] the bridge's webhook {} in channel {} was deleted; making it again", c.traceId(), hook.id(),
            hookChannel);
        return mayRecreate ? hooks.hookFor(hookChannel, c.traceId()).compose(again -> again == null
            ? Future.succeededFuture(UpstreamAck.refused(DiscordErrors.unavailable("the channel's webhook was deleted")))
            : execute(c, again, hookChannel, thread, content, nonce, false))
            : settle.apply(c, route, ar, m -> new JsonObject());
      }
      return settle.apply(c, route, ar, m -> new JsonObject().put("messageId", m.getString("id"))).map(ack -> {
        long at = System.currentTimeMillis();
        if (ack.ok()) {
          sent.record(nonce, c.channelId(), ack.result().getString("messageId"), at);
          hooks.settled(key, nonce);
          return ack;
        }
        SentMessages.Sent seen = sent.byNonce(nonce, at);
        if (seen != null) {
          hooks.settled(key, nonce);
          return UpstreamAck.delivered(new JsonObject().put("messageId", seen.messageId()));
        }
        if (!ack.error().retryable() || ar.succeeded() && ar.result().statusCode() < 500) {
          hooks.settled(key, nonce); // Discord answered: nothing was posted
        }
        return ack;
      });
    });
  }

  private Future<UpstreamAck> confirmed(GatewayCommand c, String key, String nonce, String messageId, String how) {
    sent.record(nonce, c.channelId(), messageId, System.currentTimeMillis());
    hooks.settled(key, nonce);
    LOG.info("[trace {}] command {}: webhook message {} {}, not sent again", c.traceId(), c.id(), messageId, how);
    return Future.succeededFuture(UpstreamAck.delivered(new JsonObject().put("messageId", messageId)));
  }

  /** The gateway's echo of a webhook message: confirms the execution it answers. */
  void observe(MessageEcho echo) {
    long now = System.currentTimeMillis();
    String nonce = hooks.echoed(echo, sent, now);
    if (nonce != null) {
      sent.record(nonce, echo.channelId(), echo.messageId(), now);
    }
  }

  // ---- names ----

  /** The name a webhook posts under: the display name, made acceptable to Discord (1 to 80 characters, no "discord"/"clyde"). */
  static String username(GatewayCommand c) {
    String name = c.actorDisplayName() == null || c.actorDisplayName().isBlank() ? "web user" : c.actorDisplayName().strip();
    name = DISCORD.matcher(name).replaceAll(m -> m.group().replace(m.group(1), "0"));
    name = CLYDE.matcher(name).replaceAll(m -> m.group().replace(m.group(1), "t"));
    return name.codePointCount(0, name.length()) > MAX_USERNAME ? name.substring(0, name.offsetByCodePoints(0, MAX_USERNAME))
        : name;
  }

  /** {@code **displayName**: content} (markdown in the name escaped), cut to Discord's 2000 characters; without a name, a mention that pings nobody. */
  static String prefixed(GatewayCommand c, String content) {
    String name = c.actorDisplayName();
    String head = name == null || name.isBlank()
        ? (c.actorUserId() == null ? "" : "<@" + c.actorUserId() + ">: ")
        : "**" + name.strip().replaceAll("([\\\\*_~`|>])", "\\\\$1") + "**: ";
    String text = head + content;
    int max = EventName.MAX_CONTENT;
    if (text.codePointCount(0, text.length()) <= max) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, max - 1)) + "…";
  }
}
