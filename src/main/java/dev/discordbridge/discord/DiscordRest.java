package dev.discordbridge.discord;

import dev.discordbridge.bus.BusFailure;
import dev.discordbridge.bus.MessageEcho;
import dev.discordbridge.bus.UpstreamAck;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.discord.rest.DiscordErrors;
import dev.discordbridge.discord.rest.GatewayBot;
import dev.discordbridge.discord.rest.InvalidRequestGuard;
import dev.discordbridge.discord.rest.RestNonce;
import dev.discordbridge.discord.rest.RestOptions;
import dev.discordbridge.discord.rest.RestRateLimitedException;
import dev.discordbridge.discord.rest.RestRateLimiter;
import dev.discordbridge.discord.rest.RestRoute;
import dev.discordbridge.link.UpstreamException;
import dev.discordbridge.ops.LogThrottle;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's client of Discord's REST API v10 in direct mode: turns the contract's commands
 * (sendMessage, addReaction, typingStart) into Discord requests and Discord's answers into
 * {@link UpstreamAck}s, through a {@link RestRateLimiter} that keeps within Discord's buckets
 * and global limit and an {@link InvalidRequestGuard} that keeps the IP clear of Cloudflare
 * bans. Every request carries {@code Authorization: Bot <token>} and goes to the configured
 * API base only (redirects are not followed). All state lives on the context that created the
 * client; methods may be called from anywhere and hop onto it.
 */
public final class DiscordRest {
  /** What the owner must hear; called on the client's context. */
  public interface Listener {
    /** Discord refused the bot token (401): nothing is sent any more; mark the link down. */
    void onUnauthorized(String detail);

    /** Too many invalid requests: nothing is sent until the guard half-opens. */
    void onGuardTripped(String detail);

    /** A 429 came back (it is waited out unless too long); for metrics. */
    default void onRateLimited(RestRoute route, String scope, long retryAfterMs) {}
  }

  private static final Logger LOG = LoggerFactory.getLogger(DiscordRest.class);
  /**
   * How long after a command was requested the bridge still counts on Discord's nonce
   * de-duplication ({@code enforce_nonce}: "a few minutes", undocumented exactly). Past it, a
   * message is sent again only when neither the gateway's echo nor the channel's recent messages
   * show it was created.
   */
  public static final long NONCE_WINDOW_MS = 120_000;
  /** How long created messages are remembered by nonce: past the commands' maximum age (10 min by default). */
  static final long SENT_MEMORY_MS = 20 * 60_000;
  static final int SENT_MEMORY_ENTRIES = 100_000;

  private final Context context;
  private final RestOptions options;
  private final Listener listener;
  private final WebClient client;
  private final InvalidRequestGuard guard;
  private final RestRateLimiter limiter;
  private final TypingDebounce typing;
  private final String authorization;
  private final Map<String, Future<UpstreamAck>> running = new HashMap<>();
  private final LogThrottle logThrottle = new LogThrottle(10);
  private final SentMessages sent = new SentMessages(SENT_MEMORY_MS, SENT_MEMORY_ENTRIES);
  private final DeliveryCheck deliveryCheck;
  private final Vertx vertx;
  private AttributedMessages attributed;
  private long nonceWindowMs = NONCE_WINDOW_MS;

  public DiscordRest(Vertx vertx, RestOptions options, Listener listener) {
    this.context = vertx.getOrCreateContext();
    this.vertx = vertx;
    this.options = options;
    this.listener = listener;
    this.authorization = "Bot " + options.token();
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setUserAgentEnabled(false)
        .setFollowRedirects(false)
        .setConnectTimeout(options.connectTimeoutMs())
        .setKeepAlive(true));
    this.guard = new InvalidRequestGuard(vertx, options.guardThreshold(), options.guardWindowMs(),
        options.guardOpenMs(), options.clock(), this::guardTripped);
    this.limiter = new RestRateLimiter(vertx, options, guard, new RestRateLimiter.Events() {
      @Override
      public void onRateLimited(RestRoute route, String scope, long retryAfterMs) {
        LOG.debug("Discord 429 on {} (scope {}), waiting {} ms", route, scope, retryAfterMs);
        listener.onRateLimited(route, scope, retryAfterMs);
      }

      @Override
      public void onUnauthorized(String detail) {
        LOG.error("{}; Discord REST stopped, no request will be sent", detail);
        listener.onUnauthorized(detail);
      }
    });
    this.typing = new TypingDebounce(options.typingDebounceMs());
    this.deliveryCheck = new DeliveryCheck(path -> call(RestRoute.of(HttpMethod.GET, path), null), sent);
    this.attributed = attribution(dev.discordbridge.config.Attribution.NONE);
  }

  private AttributedMessages attribution(dev.discordbridge.config.Attribution mode) {
    return new AttributedMessages(vertx, mode, this::call, this::settle, sent, deliveryCheck);
  }

  /** How web messages show their sender ({@code DISCORD_ATTRIBUTION}); {@code none} unless set. */
  DiscordRest withAttribution(dev.discordbridge.config.Attribution mode) {
    this.attributed = attribution(mode);
    return this;
  }

  /** Where a thread's parent channel is found (a thread posts through its parent's webhook); null for a channel. */
  public void threadParents(java.util.function.UnaryOperator<String> parentOf) {
    attributed.threadParents(parentOf);
  }

  AttributedMessages attributed() {
    return attributed;
  }

  /** For tests: a shorter nonce window than {@link #NONCE_WINDOW_MS}. */
  DiscordRest withNonceWindowMs(long ms) {
    this.nonceWindowMs = ms;
    return this;
  }

  /** The gateway saw the bot's message with this nonce: a command that carries it is delivered. */
  public void observe(MessageEcho echo) {
    onContext(() -> {
      if (echo.webhookId() != null) {
        attributed.observe(echo); // no nonce: matched to the execution it answers
      } else {
        sent.record(echo.nonce(), echo.channelId(), echo.messageId(), System.currentTimeMillis());
      }
      return Future.<Void>succeededFuture();
    });
  }

  /** {@code GET /gateway/bot}: the gateway URL, the recommended shard count and the session start limit. */
  public Future<GatewayBot> gatewayBot() {
    return onContext(() -> call(RestRoute.of(HttpMethod.GET, "/gateway/bot"), null).compose(r -> {
      int s = r.statusCode();
      if (s == 401) {
        return Future.failedFuture(new UpstreamException(BusFailure.LINK_DOWN, "Discord refused the bot token"));
      }
      if (s < 200 || s >= 300) {
        var e = s >= 500 ? DiscordErrors.unavailable("HTTP " + s) : DiscordErrors.rejected(s, RestRateLimiter.json(r));
        return Future.failedFuture(new IllegalStateException("GET /gateway/bot: " + e.code() + " " + e.message()));
      }
      try {
        return Future.succeededFuture(GatewayBot.fromJson(RestRateLimiter.json(r)));
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(e);
      }
    }));
  }

  /** Discord's error code for a user who is not a member of the guild. */
  public static final int UNKNOWN_MEMBER = 10007;

  /**
   * {@code GET /guilds/{guild}/members/{user}} through the rate limiter: the member's role ids, or
   * null when Discord answers 10007 Unknown Member (not a member). Fails on anything else.
   */
  public Future<java.util.List<String>> memberRoles(String guildId, String userId) {
    return onContext(() -> call(RestRoute.of(HttpMethod.GET, "/guilds/" + guildId + "/members/" + userId), null)
        .compose(r -> {
          JsonObject body = RestRateLimiter.json(r);
          if (r.statusCode() == 200 && body.getValue("roles") instanceof io.vertx.core.json.JsonArray roles) {
            return Future.succeededFuture(roles.stream().filter(String.class::isInstance).map(String.class::cast).toList());
          }
          if (r.statusCode() == 404 && body.getValue("code") instanceof Number n && n.intValue() == UNKNOWN_MEMBER) {
            return Future.succeededFuture(null);
          }
          return Future.failedFuture(new IllegalStateException("GET member: HTTP " + r.statusCode()));
        }));
  }

  /** {@code GET /users/@me}: the bot's own user id. */
  public Future<String> selfId() {
    return onContext(() -> call(RestRoute.of(HttpMethod.GET, "/users/@me"), null).compose(r -> {
      JsonObject body = RestRateLimiter.json(r);
      return r.statusCode() == 200 && body.getValue("id") instanceof String id ? Future.succeededFuture(id)
          : Future.failedFuture(new IllegalStateException("GET /users/@me: HTTP " + r.statusCode()));
    }));
  }

  /**
   * Carries out one command. The future completes with a delivered or refused ack, or fails with
   * {@link UpstreamException} LINK_DOWN when sending is stopped (after a 401) or paused (guard
   * open). A command whose id is still running joins that execution: one request, one answer.
   */
  public Future<UpstreamAck> execute(GatewayCommand command) {
    return onContext(() -> {
      Future<UpstreamAck> joined = running.get(command.id());
      if (joined != null) {
        return joined;
      }
      Future<UpstreamAck> f = dispatch(command);
      if (!f.isComplete()) {
        running.put(command.id(), f);
        f.onComplete(ar -> running.remove(command.id()));
      }
      return f;
    });
  }

  private Future<UpstreamAck> dispatch(GatewayCommand c) {
    if (limiter.halted()) {
      return Future.failedFuture(new UpstreamException(BusFailure.LINK_DOWN, "Discord REST stopped: the bot token was refused"));
    }
    if (guard.blocks()) {
      return Future.failedFuture(new UpstreamException(BusFailure.LINK_DOWN, "Discord REST paused: too many invalid requests"));
    }
    try {
      if (!Ids.isSnowflake(c.channelId())) {
        throw new IllegalArgumentException("channelId must be a snowflake");
      }
      JsonObject data = c.data() == null ? new JsonObject() : c.data();
      return switch (c.name() == null ? "" : c.name()) {
        case GatewayCommand.SEND_MESSAGE -> sendMessage(c, data);
        case GatewayCommand.ADD_REACTION -> addReaction(c, data);
        case GatewayCommand.TYPING_START -> typingStart(c);
        default -> throw new IllegalArgumentException("unknown command " + c.name());
      };
    } catch (IllegalArgumentException | ClassCastException e) {
      LOG.warn("command {} not sent to Discord: {}", c.id(), e.getMessage());
      return Future.succeededFuture(UpstreamAck.refused(DiscordErrors.badCommand(e.getMessage())));
    }
  }

  private Future<UpstreamAck> sendMessage(GatewayCommand c, JsonObject data) {
    String content = data.getString("content");
    if (content == null || content.isBlank()) {
      throw new IllegalArgumentException("sendMessage needs content");
    }
    String replyTo = data.getString("replyTo");
    if (replyTo != null && !Ids.isSnowflake(replyTo)) {
      throw new IllegalArgumentException("replyTo must be a snowflake");
    }
    return attributed.send(c, content, replyTo, text -> botMessage(c, text, replyTo));
  }

  /** The bot posts {@code content} (with a nonce that Discord de-duplicates). */
  private Future<UpstreamAck> botMessage(GatewayCommand c, String content, String replyTo) {
    String nonce = RestNonce.of(c.id());
    JsonObject body = new JsonObject()
        .put("content", content)
        .put("allowed_mentions", new JsonObject().put("parse", new JsonArray()))
        .put("nonce", nonce)
        .put("enforce_nonce", true);
    if (replyTo != null) {
      body.put("message_reference", new JsonObject().put("message_id", replyTo).put("fail_if_not_exists", false));
    }
    SentMessages.Sent known = sent.byNonce(nonce, System.currentTimeMillis());
    if (known != null) {
      LOG.debug("command {}: message {} already created (seen), not sent again", c.id(), known.messageId());
      return Future.succeededFuture(UpstreamAck.delivered(new JsonObject().put("messageId", known.messageId())));
    }
    RestRoute route = RestRoute.of(HttpMethod.POST, "/channels/" + c.channelId() + "/messages");
    if (System.currentTimeMillis() - c.requestedAt() < nonceWindowMs) {
      return post(c, route, body, nonce);
    }
    // Past Discord's nonce window a resend could post twice: look before sending.
    return deliveryCheck.find(c.channelId(), nonce, content, replyTo, c.requestedAt()).transform(ar -> {
      if (ar.succeeded() && !DeliveryCheck.NOT_FOUND.equals(ar.result())) {
        sent.record(nonce, c.channelId(), ar.result(), System.currentTimeMillis());
        LOG.info("command {}: message {} found in the channel, not sent again", c.id(), ar.result());
        return Future.succeededFuture(UpstreamAck.delivered(new JsonObject().put("messageId", ar.result())));
      }
      if (ar.succeeded()) {
        return post(c, route, body, nonce);
      }
      if (ar.cause() instanceof DeliveryCheck.Unknown u) {
        return refused(c, route, u.retryable ? DiscordErrors.unavailable("not sent: " + u.getMessage())
            : DiscordErrors.unconfirmed(u.getMessage()));
      }
      return settle(c, route, Future.failedFuture(ar.cause()), m -> new JsonObject());
    });
  }

  /** Creates the message; when the answer is lost but the gateway's echo came, it was delivered. */
  private Future<UpstreamAck> post(GatewayCommand c, RestRoute route, JsonObject body, String nonce) {
    return call(route, body).transform(ar -> settle(c, route, ar,
        m -> new JsonObject().put("messageId", m.getString("id")))).map(ack -> {
          long now = System.currentTimeMillis();
          if (ack.ok()) {
            sent.record(nonce, c.channelId(), ack.result().getString("messageId"), now);
            return ack;
          }
          SentMessages.Sent echoed = ack.error().retryable() ? sent.byNonce(nonce, now) : null;
          return echoed == null ? ack : UpstreamAck.delivered(new JsonObject().put("messageId", echoed.messageId()));
        });
  }

  private Future<UpstreamAck> addReaction(GatewayCommand c, JsonObject data) {
    String messageId = data.getString("messageId");
    if (!Ids.isSnowflake(messageId)) {
      throw new IllegalArgumentException("messageId must be a snowflake");
    }
    JsonObject emoji = data.getJsonObject("emoji", new JsonObject());
    String segment = EmojiPath.of(emoji.getString("name"), emoji.getString("id"));
    RestRoute route = RestRoute.of(HttpMethod.PUT,
        "/channels/" + c.channelId() + "/messages/" + messageId + "/reactions/" + segment + "/@me");
    return call(route, null).transform(ar -> settle(c, route, ar, m -> new JsonObject()));
  }

  private Future<UpstreamAck> typingStart(GatewayCommand c) {
    long at = options.clock().getAsLong();
    if (!typing.begin(c.channelId(), at)) {
      return Future.succeededFuture(UpstreamAck.delivered(new JsonObject().put("debounced", true)));
    }
    RestRoute route = RestRoute.of(HttpMethod.POST, "/channels/" + c.channelId() + "/typing");
    return call(route, null).transform(ar -> settle(c, route, ar, m -> new JsonObject()))
        .andThen(ar -> {
          if (ar.failed() || !ar.result().ok()) {
            typing.failed(c.channelId(), at);
          }
        });
  }

  private Future<HttpResponse<Buffer>> call(RestRoute route, JsonObject body) {
    return limiter.submit(route, () -> {
      HttpRequest<Buffer> request = client.requestAbs(route.method(), options.url(route.path()))
          .putHeader("Authorization", authorization)
          .putHeader("User-Agent", options.userAgent())
          .followRedirects(false)
          .timeout(options.requestTimeoutMs());
      return body == null ? request.send() : request.sendJsonObject(body);
    });
  }

  /** Discord's answer (or the failure to get one) as the command's outcome. */
  Future<UpstreamAck> settle(GatewayCommand c, RestRoute route, AsyncResult<HttpResponse<Buffer>> ar,
                                     Function<JsonObject, JsonObject> result) {
    if (ar.failed()) {
      Throwable e = ar.cause();
      if (e instanceof UpstreamException) {
        return Future.failedFuture(e);
      }
      if (e instanceof RestRateLimitedException rl) {
        return refused(c, route, DiscordErrors.rateLimited(rl.retryAfterMs(), rl.scope()));
      }
      return refused(c, route, DiscordErrors.unavailable(e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
    HttpResponse<Buffer> r = ar.result();
    int s = r.statusCode();
    if (s >= 200 && s < 300) {
      return Future.succeededFuture(UpstreamAck.delivered(result.apply(RestRateLimiter.json(r))));
    }
    if (s == 401) {
      return Future.failedFuture(new UpstreamException(BusFailure.LINK_DOWN, "Discord refused the bot token"));
    }
    if (s == 429) { // the limiter waits these out; one reaches here only when it gave up
      return refused(c, route, DiscordErrors.rateLimited(RestRateLimiter.retryAfterMs(r, RestRateLimiter.json(r)), "user"));
    }
    if (s >= 500) {
      return refused(c, route, DiscordErrors.unavailable("Discord answered HTTP " + s));
    }
    return refused(c, route, DiscordErrors.rejected(s, RestRateLimiter.json(r)));
  }

  private Future<UpstreamAck> refused(GatewayCommand c, RestRoute route, UpstreamAck.UpstreamError error) {
    long suppressed = logThrottle.acquire(System.currentTimeMillis());
    if (suppressed >= 0) {
      LOG.warn("Discord did not take command {} on {}: {} {}{}", c.id(), route, error.code(), error.message(),
          suppressed > 0 ? " (" + suppressed + " similar lines suppressed)" : "");
    }
    return Future.succeededFuture(UpstreamAck.refused(error));
  }

  private void guardTripped(String detail) {
    LOG.error("invalid-request guard open: {}", detail);
    listener.onGuardTripped(detail);
  }

  private <T> Future<T> onContext(Supplier<Future<T>> work) {
    if (Vertx.currentContext() == context) {
      return work.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(promise));
    return promise.future();
  }

  /** Stops sending: queued commands fail LINK_DOWN; the HTTP client is closed. */
  public Future<Void> close() {
    return onContext(() -> {
      limiter.close();
      guard.close();
      client.close();
      return Future.<Void>succeededFuture();
    });
  }

  /** Counters for status pages and tests. */
  public JsonObject status() {
    return new JsonObject()
        .put("stopped", limiter.halted())
        .put("sent", limiter.sent())
        .put("rateLimited", limiter.rateLimited())
        .put("queued", limiter.queued())
        .put("invalidRequests", guard.invalidCount())
        .put("guard", guard.state())
        .put("guardTrips", guard.trips());
  }

  public RestRateLimiter limiter() {
    return limiter;
  }

  public InvalidRequestGuard guard() {
    return guard;
  }

  @Override
  public String toString() {
    return "DiscordRest[" + options + "]";
  }
}
