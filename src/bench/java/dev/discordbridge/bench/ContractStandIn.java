package dev.discordbridge.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A deliberately minimal server that speaks the bridge's outside contract (link, SSE stream,
 * sendMessage), configured by the same environment. It is not the bridge: it exists so that the
 * benchmark's bridge path (hub, JWTs, ready event, data shape, commands) can be checked end to
 * end before the real bridge is complete, with {@code --bridge-class dev.discordbridge.bench.ContractStandIn}.
 * One event loop; every event is written to every stream as it arrives (no coalescing).
 */
public final class ContractStandIn extends VerticleBase {
  private final Map<String, String> env;
  private JWTAuth jwt;
  private WebSocket link;
  private long seq;
  private long streamId = 1L << 40;
  private long commandIds;
  private final Set<HttpServerResponse> streams = new LinkedHashSet<>();
  private final Map<String, Promise<JsonObject>> pending = new HashMap<>();

  private ContractStandIn(Map<String, String> env) {
    this.env = env;
  }

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(new ContractStandIn(System.getenv())).onFailure(e -> {
      System.err.println("stand-in failed to start: " + e);
      System.exit(1);
    });
  }

  @Override
  public Future<?> start() {
    jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(env.get("AUTH_JWT_SECRET"))));
    var options = new WebSocketConnectOptions().setAbsoluteURI(env.get("GATEWAY_WS_URL"))
        .addHeader("Authorization", "Bearer " + env.get("LINK_TOKEN"));
    Future<WebSocket> ws = vertx.createWebSocketClient().connect(options).onSuccess(this::linked);
    Future<?> http = vertx.createHttpServer().requestHandler(this::request)
        .listen(Integer.parseInt(env.getOrDefault("HTTP_PORT", "8080")), env.getOrDefault("HTTP_HOST", "127.0.0.1"));
    return Future.all(ws, http);
  }

  private void linked(WebSocket ws) {
    link = ws;
    ws.textMessageHandler(text -> {
      JsonObject f = new JsonObject(text);
      switch (f.getString("type")) {
        case "hello" -> vertx.setPeriodic(f.getLong("heartbeatIntervalMs"),
            t -> ws.writeTextMessage(new JsonObject().put("v", 1).put("type", "heartbeat").put("seq", seq).encode()));
        case "event" -> fanOut(f.getLong("seq"), f.getJsonObject("event"));
        case "ack" -> {
          Promise<JsonObject> p = pending.remove(f.getString("commandId"));
          if (p != null) {
            p.complete(f);
          }
        }
        default -> { }
      }
    });
  }

  private void fanOut(long upstreamSeq, JsonObject e) {
    seq = upstreamSeq;
    String id = String.format("%019d", ++streamId);
    String now = Instant.now().toString();
    var data = new JsonObject().put("v", 1).put("id", id).put("name", e.getString("name"))
        .put("guildId", e.getString("guildId")).put("channelId", e.getString("channelId"))
        .put("occurredAt", e.getString("occurredAt")).put("data", e.getJsonObject("data"))
        .put("trace", new JsonObject().put("traceId", e.getJsonObject("trace").getString("traceId"))
            .put("upstreamSeq", upstreamSeq).put("receivedAt", now).put("publishedAt", now));
    Buffer frame = Buffer.buffer("id: " + id + "\nevent: " + e.getString("name") + "\ndata: " + data.encode() + "\n\n");
    for (HttpServerResponse r : streams) {
      r.write(frame);
    }
  }

  private void request(HttpServerRequest req) {
    switch (req.path()) {
      case "/health/ready" -> req.response().setStatusCode(link != null ? 200 : 503).end();
      case "/api/stream" -> authenticate(req).onSuccess(user -> {
        HttpServerResponse r = req.response().setChunked(true).putHeader("Content-Type", "text/event-stream")
            .putHeader("Cache-Control", "no-cache");
        r.write("retry: 2000\n\nevent: ready\ndata: {\"resumed\":false}\n\n");
        streams.add(r);
        r.closeHandler(v -> streams.remove(r));
      });
      case "/api/commands/sendMessage" -> authenticate(req).onSuccess(user -> req.body().onSuccess(body -> {
        JsonObject b = body.toJsonObject();
        String id = "cmd_" + (++commandIds);
        var command = new JsonObject().put("id", id).put("name", "sendMessage").put("guildId", b.getString("guildId"))
            .put("channelId", b.getString("channelId")).put("actor", new JsonObject().put("userId", user))
            .put("data", new JsonObject().put("content", b.getString("content")));
        Promise<JsonObject> ack = Promise.promise();
        pending.put(id, ack);
        link.writeTextMessage(new JsonObject().put("v", 1).put("type", "command").put("command", command).encode());
        ack.future().onSuccess(a -> req.response().putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("commandId", id).put("status", "delivered").put("result", a.getJsonObject("result")).encode()));
      }));
      default -> req.response().setStatusCode(404).end();
    }
  }

  private Future<String> authenticate(HttpServerRequest req) {
    String h = req.getHeader("Authorization");
    if (h == null || !h.startsWith("Bearer ")) {
      req.response().setStatusCode(401).end();
      return Future.failedFuture("no token");
    }
    return jwt.authenticate(new TokenCredentials(h.substring(7))).map(u -> u.principal().getString("sub"))
        .onFailure(e -> req.response().setStatusCode(401).end());
  }
}
