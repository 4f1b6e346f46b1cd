package dev.discordbridge.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The upstream hub the bridge links to (CONTRACT section 1), reduced to what a fan-out run needs:
 * it checks the link token, says {@code hello}, acks heartbeats, acks every {@code command} with
 * {@code ok}, and sends the benchmark's events as {@code event} frames on the open link.
 */
final class Hub extends VerticleBase {
  static final String PATH = "/gateway";
  private static final long HEARTBEAT_INTERVAL_MS = 5_000;

  private final String linkToken;
  private HttpServer server;
  private volatile ServerWebSocket link;
  private volatile String sessionId;
  private final AtomicLong seq = new AtomicLong();
  private final AtomicLong commandsAcked = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private volatile int linksAccepted;
  private volatile int sessions;

  Hub(String linkToken) {
    this.linkToken = linkToken;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer().requestHandler(this::request);
    return server.listen(0, "127.0.0.1");
  }

  int port() {
    return server.actualPort();
  }

  boolean linked() {
    return link != null && sessionId != null;
  }

  int linksAccepted() {
    return linksAccepted;
  }

  long commandsAcked() {
    return commandsAcked.get();
  }

  /** Events that found no open link (the bridge was not connected). */
  long dropped() {
    return dropped.get();
  }

  /** Sends {@code eventJson} as the next {@code event} frame; callable from any thread. */
  void emit(String eventJson) {
    ServerWebSocket ws = link;
    if (ws == null) {
      dropped.incrementAndGet();
      return;
    }
    ws.writeTextMessage("{\"v\":1,\"type\":\"event\",\"seq\":" + seq.incrementAndGet() + ",\"event\":" + eventJson + "}");
  }

  private void request(HttpServerRequest req) {
    if (!PATH.equals(req.path())) {
      req.response().setStatusCode(404).end();
      return;
    }
    if (!("Bearer " + linkToken).equals(req.getHeader("Authorization"))) {
      req.response().setStatusCode(401).end();
      return;
    }
    req.toWebSocket().onSuccess(this::linked).onFailure(e -> req.response().setStatusCode(400).end());
  }

  private void linked(ServerWebSocket ws) {
    linksAccepted++;
    ServerWebSocket previous = link;
    if (previous != null) {
      previous.close();
    }
    link = ws;
    ws.closeHandler(v -> {
      if (link == ws) {
        link = null;
      }
    });
    ws.textMessageHandler(text -> frame(ws, text));
    if (sessionId == null) {
      newSession(ws);
    } else {
      // A reconnect: the bridge may resume; it is answered in frame().
      ws.writeTextMessage(hello(true).encode());
    }
  }

  private void newSession(ServerWebSocket ws) {
    sessions++;
    sessionId = "bench-session-" + sessions;
    ws.writeTextMessage(hello(true).encode());
  }

  private JsonObject hello(boolean resumable) {
    return new JsonObject().put("v", 1).put("type", "hello").put("sessionId", sessionId)
        .put("heartbeatIntervalMs", HEARTBEAT_INTERVAL_MS).put("resumable", resumable);
  }

  private void frame(ServerWebSocket ws, String text) {
    JsonObject f;
    try {
      f = new JsonObject(text);
    } catch (RuntimeException e) {
      return;
    }
    switch (String.valueOf(f.getString("type"))) {
      case "heartbeat" -> ws.writeTextMessage("{\"v\":1,\"type\":\"heartbeatAck\"}");
      case "resume" -> {
        // Nothing is replayed (the benchmark counts what was lost as missed).
        if (sessionId != null && sessionId.equals(f.getString("sessionId"))) {
          ws.writeTextMessage("{\"v\":1,\"type\":\"resumed\"}");
        } else {
          ws.writeTextMessage("{\"v\":1,\"type\":\"invalidSession\"}");
          newSession(ws);
        }
      }
      case "command" -> {
        JsonObject command = f.getJsonObject("command", new JsonObject());
        long n = commandsAcked.incrementAndGet();
        ws.writeTextMessage(new JsonObject().put("v", 1).put("type", "ack").put("commandId", command.getString("id"))
            .put("ok", true).put("result", new JsonObject().put("messageId", Long.toString(BenchEvents.MESSAGE_ID_BASE / 2 + n)))
            .encode());
      }
      default -> { }
    }
  }
}
