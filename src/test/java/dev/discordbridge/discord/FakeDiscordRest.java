package dev.discordbridge.discord;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A local Discord REST v10, written from Discord's "Rate Limits" topic and the message and
 * reaction resources: a real HTTP server on 127.0.0.1. It checks {@code Authorization: Bot
 * <token>} (401 otherwise), keeps per-route buckets (limit per window, a bucket hash that routes
 * may share, separate per major parameter) and a global per-second limit, sends the
 * {@code X-RateLimit-*} headers on every limited response, answers 429 with {@code retry_after},
 * {@code global} and {@code X-RateLimit-Scope} when a client exceeds a bucket or on demand, and
 * de-duplicates messages by nonce when {@code enforce_nonce} is set, as Discord does: only for a
 * while ({@link #nonceWindow}, "a few minutes" at Discord). A created message is told to
 * {@link #onMessageCreated} listeners (the {@link FakeDiscord} echoes it on the gateway, nonce
 * included); {@code GET /channels/{id}/messages} lists a channel's messages without their nonce
 * (Discord returns it only on create and in the gateway's MESSAGE_CREATE); {@code GET /users/@me}
 * is the bot. {@code GET /guilds/{guild}/members/{user}} answers a member's roles and the bot's
 * permissions are enforced on the channel routes ({@link FakeDiscordMembers}). It records every request.
 * Handlers run on the server's context; the test thread reads through synchronized methods.
 */
public final class FakeDiscordRest {
  public static final String MESSAGES = "messages";
  public static final String REACTIONS = "reactions";
  public static final String TYPING = "typing";
  public static final String GATEWAY = "gateway";
  public static final String HISTORY = "history";
  public static final String ME = "me";
  public static final String MEMBER = "member";
  /** Discord's own default: "a few minutes". */
  public static final long DEFAULT_NONCE_WINDOW_MS = 180_000;

  /** One request as the fake saw it; {@code path} is raw (percent-encoded). */
  public record Recorded(long atMs, String method, String path, JsonObject body, MultiMap headers, int status) {}

  public record Reaction(String channelId, String messageId, String emoji) {}

  private record Forced(int status, int code, String message, boolean afterCommit, String scope, long retryAfterMs) {}

  /** A message created with a nonce, and when (the nonce de-duplicates only for {@link #nonceWindowMs}). */
  private record Nonced(JsonObject message, long atMs) {}

  private final Vertx vertx;
  private final String token;
  private HttpServer server;
  private final FakeDiscordRestLimits limits = new FakeDiscordRestLimits();
  private final List<Recorded> requests = new ArrayList<>();
  private final Map<String, Nonced> messagesByNonce = new HashMap<>();
  private long nonceWindowMs = DEFAULT_NONCE_WINDOW_MS;
  private Consumer<JsonObject> onMessageCreated = m -> {};
  private long dropAfterCommitMs = -1;
  private final List<JsonObject> messages = new ArrayList<>();
  private final List<Reaction> reactions = new ArrayList<>();
  public final FakeDiscordWebhooks webhooks = new FakeDiscordWebhooks();
  private final List<Forced> forced = new ArrayList<>();
  public final FakeDiscordMembers members = new FakeDiscordMembers();
  private Consumer<Recorded> onRequest = r -> {};
  private volatile FakeDiscordOAuth oauth; // Discord's OAuth2 endpoints and the user's bearer routes, when set
  private long nextId = 1_200_000_000_000_000_000L;
  private long delayNextMs;
  private String gatewayUrl = "wss://gateway.discord.gg";
  private int shards = 1;
  private JsonObject sessionStartLimit = new JsonObject().put("total", 1000).put("remaining", 999)
      .put("reset_after", 14_400_000).put("max_concurrency", 1);

  public FakeDiscordRest(Vertx vertx, String token) {
    this.vertx = vertx;
    this.token = token;
    limit(MESSAGES, 5, 5_000, "msg-bucket");
    limit(REACTIONS, 1, 250, "reaction-bucket");
    limit(TYPING, 5, 5_000, "typing-bucket");
    limit(GATEWAY, 2, 5_000, "gateway-bucket");
  }

  public Future<Void> start() {
    server = vertx.createHttpServer();
    return server.requestHandler(this::handle).listen(0, "127.0.0.1").mapEmpty();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public String apiBase() {
    return "http://127.0.0.1:" + server.actualPort() + "/api/v10";
  }

  public URI apiBaseUri() {
    return URI.create(apiBase());
  }

  // ---- configuration (test thread) ----

  /** The bucket of {@code route} (MESSAGES, REACTIONS, TYPING, GATEWAY): limit per window, named {@code hash}. */
  public synchronized FakeDiscordRest limit(String route, int limit, long windowMs, String hash) {
    limits.limit(route, limit, windowMs, hash);
    return this;
  }

  public synchronized FakeDiscordRest unlimited(String route) {
    limits.unlimited(route);
    return this;
  }

  public synchronized FakeDiscordRest globalLimit(int perSecond) {
    limits.globalLimit(perSecond);
    return this;
  }

  public synchronized FakeDiscordRest gatewayBot(String url, int shards, JsonObject sessionStartLimit) {
    this.gatewayUrl = url;
    this.shards = shards;
    this.sessionStartLimit = sessionStartLimit;
    return this;
  }

  /** The next authorized request is answered 429 with this scope (user, global or shared). */
  public synchronized void next429(String scope, long retryAfterMs) {
    forced.add(new Forced(429, 0, "You are being rate limited.", false, scope, retryAfterMs));
  }

  /** The next authorized request is answered {@code status} with JSON {code, message} (code 0: no code). */
  public synchronized void nextError(int status, int code, String message) {
    forced.add(new Forced(status, code, message, false, null, 0));
  }

  /** The next create-message request creates the message, then answers {@code status} anyway. */
  public synchronized void nextErrorAfterCommit(int status) {
    forced.add(new Forced(status, 0, "Internal Server Error", true, null, 0));
  }

  /** How long {@code nonce} + {@code enforce_nonce} de-duplicate (Discord: "a few minutes"). */
  public synchronized FakeDiscordRest nonceWindow(long ms) {
    nonceWindowMs = ms;
    return this;
  }

  /**
   * The next create-message request creates the message (and its gateway echo goes out), then,
   * {@code afterMs} later, the connection is closed without an answer: a lost response.
   */
  public synchronized void nextDropAfterCommit(long afterMs) {
    dropAfterCommitMs = afterMs;
  }

  public void oauth(FakeDiscordOAuth endpoints) { oauth = endpoints; }
  /** Called on the server's context with each created message (a copy, nonce included). */
  public synchronized void onMessageCreated(Consumer<JsonObject> listener) {
    onMessageCreated = listener;
  }

  /** The next response is held back this long (for client timeouts). */
  public synchronized void delayNext(long ms) {
    delayNextMs = ms;
  }

  /** Called on the server's context for each request after it is recorded (and before its answer leaves). */
  public synchronized void onRequest(Consumer<Recorded> hook) {
    onRequest = hook;
  }

  // ---- observations (test thread) ----

  public synchronized List<Recorded> requests() {
    return List.copyOf(requests);
  }

  public synchronized List<Recorded> requests(String method, String pathContains) {
    return requests.stream().filter(r -> r.method().equals(method) && r.path().contains(pathContains)).toList();
  }

  public synchronized int rateLimited(String hash) {
    return limits.rateLimited(hash);
  }

  public synchronized int rateLimitedTotal() {
    return (int) requests.stream().filter(r -> r.status() == 429).count();
  }

  public synchronized List<JsonObject> messages() {
    return List.copyOf(messages);
  }

  public synchronized List<Reaction> reactions() {
    return List.copyOf(reactions);
  }

  /** The clock of the fake and of the client's default options: monotonic milliseconds. */
  public static long now() {
    return System.nanoTime() / 1_000_000;
  }

  // ---- the server (its context) ----

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      if (oauth != null && FakeDiscordOAuth.handles(req)) { oauth.handle(req, body); return; } // before the bot's routes
      Answer a;
      Recorded r;
      Consumer<Recorded> hook;
      long delay;
      long drop;
      JsonObject created;
      Consumer<JsonObject> createdHook;
      synchronized (this) {
        int before = messages.size();
        a = answer(req, body);
        created = messages.size() > before ? messages.get(messages.size() - 1).copy() : null;
        createdHook = onMessageCreated;
        drop = created != null ? dropAfterCommitMs : -1;
        if (drop >= 0) {
          dropAfterCommitMs = -1;
        }
        JsonObject json = body.length() == 0 ? null : tryJson(body);
        r = new Recorded(now(), req.method().name(), req.path(), json, MultiMap.caseInsensitiveMultiMap()
            .addAll(req.headers()), a.status);
        requests.add(r);
        hook = onRequest;
        delay = delayNextMs;
        delayNextMs = 0;
      }
      hook.accept(r);
      if (created != null) {
        createdHook.accept(created);
      }
      if (drop >= 0) {
        vertx.setTimer(Math.max(1, drop), t -> req.connection().close());
        return;
      }
      if (delay > 0) {
        vertx.setTimer(delay, t -> a.send(req.response()));
      } else {
        a.send(req.response());
      }
    });
  }

  /** A response to be written: status, headers, JSON body or none. */
  public record Answer(int status, MultiMap headers, Object body) {
    void send(HttpServerResponse res) {
      res.setStatusCode(status).headers().addAll(headers);
      if (body == null) {
        res.end();
      } else {
        res.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(body instanceof JsonArray a ? a.encode() : ((JsonObject) body).encode());
      }
    }
  }

  private Answer answer(HttpServerRequest req, Buffer body) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    if (!("Bot " + token).equals(req.getHeader("Authorization"))) {
      return new Answer(401, h, error(0, "401: Unauthorized"));
    }
    String path = req.path();
    if (!path.startsWith("/api/v10/")) {
      return new Answer(404, h, error(0, "404: Not Found"));
    }
    String[] s = path.substring("/api/v10/".length()).split("/", -1);
    String method = req.method().name();
    String route = route(method, s);
    if (route == null) {
      return new Answer(404, h, error(0, "404: Not Found"));
    }
    long now = now();
    Answer global = limits.global(now, h);
    if (global != null) {
      return global;
    }
    Forced f = forced.isEmpty() || MEMBER.equals(route) || ME.equals(route) ? null : forced.remove(0);
    String major = GATEWAY.equals(route) || ME.equals(route) ? "" : s[1];
    Answer denied = members.deniesBot(route, s[1], h);
    if (denied != null) {
      return denied;
    }
    if (f != null && f.status == 429) {
      return limits.forced429(f.scope, f.retryAfterMs, route, major, now, h);
    }
    Answer limited = limits.bucket(route, major, now, h);
    if (limited != null) {
      return limited;
    }
    if (f != null && !f.afterCommit) {
      return new Answer(f.status, h, error(f.code, f.message));
    }
    Answer ok = switch (route) {
      case GATEWAY -> new Answer(200, h, new JsonObject().put("url", gatewayUrl).put("shards", shards)
          .put("session_start_limit", sessionStartLimit.copy()));
      case MESSAGES -> createMessage(s[1], body, h);
      case HISTORY -> history(s[1], req, h);
      case ME -> new Answer(200, h, botUser());
      case MEMBER -> members.answer(s[1], s[3], h);
      case REACTIONS -> addReaction(s[1], s[3], s[5], h);
      case FakeDiscordWebhooks.LIST, FakeDiscordWebhooks.CREATE, FakeDiscordWebhooks.EXECUTE ->
          webhooks.answer(route, s, req, body, h, this::snowflakeNow, messages::add);
      default -> new Answer(204, h, null);
    };
    return f != null && ok.status < 300 ? new Answer(f.status, h, error(f.code, f.message)) : ok;
  }

  private static String route(String method, String[] s) {
    if ("GET".equals(method) && s.length == 2 && "gateway".equals(s[0]) && "bot".equals(s[1])) {
      return GATEWAY;
    }
    if ("GET".equals(method) && s.length == 2 && "users".equals(s[0]) && "@me".equals(s[1])) {
      return ME;
    }
    if (FakeDiscordMembers.isMemberRoute(method, s)) {
      return MEMBER;
    }
    if (FakeDiscordWebhooks.route(method, s) != null) {
      return FakeDiscordWebhooks.route(method, s);
    }
    if (s.length < 3 || !"channels".equals(s[0]) || !s[1].matches("[0-9]{17,20}")) {
      return null;
    }
    if ("POST".equals(method) && s.length == 3 && "messages".equals(s[2])) {
      return MESSAGES;
    }
    if ("GET".equals(method) && s.length == 3 && "messages".equals(s[2])) {
      return HISTORY;
    }
    if ("POST".equals(method) && s.length == 3 && "typing".equals(s[2])) {
      return TYPING;
    }
    if ("PUT".equals(method) && s.length == 7 && "messages".equals(s[2]) && "reactions".equals(s[4]) && "@me".equals(s[6])) {
      return REACTIONS;
    }
    return null;
  }

  private Answer createMessage(String channel, Buffer raw, MultiMap h) {
    JsonObject body = tryJson(raw);
    if (body == null) {
      return new Answer(400, h, error(50109, "The request body contains invalid JSON."));
    }
    String content = body.getValue("content") instanceof String c ? c : null;
    Object nonce = body.getValue("nonce");
    if (content == null || content.isEmpty() || content.codePointCount(0, content.length()) > 2000
        || nonce instanceof String n && n.length() > 25) {
      return new Answer(400, h, error(50035, "Invalid Form Body"));
    }
    String key = nonce == null ? null : channel + " " + nonce;
    Nonced earlier = key == null ? null : messagesByNonce.get(key);
    if (earlier != null && body.getBoolean("enforce_nonce", false) && now() - earlier.atMs() < nonceWindowMs) {
      return new Answer(200, h, earlier.message().copy());
    }
    JsonObject m = new JsonObject().put("id", Long.toString(snowflakeNow())).put("channel_id", channel)
        .put("author", botUser()).put("timestamp", java.time.Instant.now().toString())
        .put("content", content).put("nonce", nonce).put("type", body.containsKey("message_reference") ? 19 : 0)
        .put("mentions", new JsonArray());
    if (body.containsKey("message_reference")) {
      m.put("message_reference", body.getJsonObject("message_reference").copy().put("channel_id", channel));
    }
    messages.add(m);
    if (key != null) {
      messagesByNonce.put(key, new Nonced(m, now()));
    }
    return new Answer(200, h, m.copy());
  }

  /** {@code GET /channels/{id}/messages?limit&after}: newest first, at most {@code limit} (50, 1-100), no nonce. */
  private Answer history(String channel, HttpServerRequest req, MultiMap h) {
    int limit;
    long after;
    try {
      limit = req.getParam("limit") == null ? 50 : Integer.parseInt(req.getParam("limit"));
      after = req.getParam("after") == null ? 0 : Long.parseLong(req.getParam("after"));
    } catch (NumberFormatException e) {
      return new Answer(400, h, error(50035, "Invalid Form Body"));
    }
    if (limit < 1 || limit > 100) {
      return new Answer(400, h, error(50035, "Invalid Form Body"));
    }
    JsonArray out = new JsonArray();
    // With after: the oldest {@code limit} messages after it, listed newest first (as Discord does).
    List<JsonObject> inChannel = messages.stream().filter(m -> channel.equals(m.getString("channel_id"))
        && Long.parseLong(m.getString("id")) > after).toList();
    List<JsonObject> page = after > 0 ? inChannel.subList(0, Math.min(limit, inChannel.size()))
        : inChannel.subList(Math.max(0, inChannel.size() - limit), inChannel.size());
    for (int i = page.size() - 1; i >= 0; i--) {
      JsonObject m = page.get(i).copy();
      m.remove("nonce");
      out.add(m);
    }
    return new Answer(200, h, out);
  }

  public static JsonObject botUser() {
    return new JsonObject().put("id", FakeDiscordGateway.BOT_USER_ID).put("username", "fake-bot")
        .put("discriminator", "0").put("bot", true);
  }

  /** Ids as Discord makes them (milliseconds since 2015 in the top bits), growing within a millisecond too. */
  private long snowflakeNow() {
    long id = (System.currentTimeMillis() - 1_420_070_400_000L) << 22;
    nextId = Math.max(nextId + 1, id);
    return nextId;
  }

  private Answer addReaction(String channel, String message, String rawEmoji, MultiMap h) {
    String emoji;
    try {
      emoji = FakeDiscordPaths.percentDecode(rawEmoji);
    } catch (IllegalArgumentException e) {
      return new Answer(400, h, error(10014, "Unknown Emoji"));
    }
    boolean custom = emoji.contains(":");
    boolean valid = custom ? emoji.matches("[A-Za-z0-9_]{2,32}:[0-9]{17,20}")
        : !emoji.isEmpty() && emoji.codePoints().allMatch(cp -> cp > 0x7f) && !rawEmoji.equals(emoji);
    if (!valid) {
      return new Answer(400, h, error(10014, "Unknown Emoji"));
    }
    reactions.add(new Reaction(channel, message, emoji));
    return new Answer(204, h, null);
  }

  public static JsonObject error(int code, String message) {
    return new JsonObject().put("message", message).put("code", code);
  }

  private static JsonObject tryJson(Buffer b) {
    try {
      return new JsonObject(b);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
