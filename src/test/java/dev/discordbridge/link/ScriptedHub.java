package dev.discordbridge.link;

import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.LinkFrames;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A hostile hub for fault tests: a real WebSocket server on 127.0.0.1 that speaks just enough of
 * the link contract (hello, heartbeatAck, resume with replay, events) and writes every message as
 * ONE WebSocket frame, however large (the production SimulatedHub lets Vert.x fragment messages
 * into 64 KiB frames, so it cannot reproduce a hub that sends one oversized frame).
 *
 * <p>One session at a time. A {@code resume} of the current session always succeeds and replays
 * every event after the given seq, the poison included; a fresh session becomes current when the
 * bridge sends anything but {@code resume} on a new connection (or at once when none existed).
 */
public final class ScriptedHub extends VerticleBase {
  public static final String PATH = "/gateway";

  private final String token;
  private final long heartbeatMs;
  private final AtomicInteger accepted = new AtomicInteger();
  private final List<JsonObject> received = Collections.synchronizedList(new ArrayList<>());
  private volatile int port;
  private volatile String currentSession;

  // Confined to the hub's context.
  private Context context;
  private HttpServer server;
  private ServerWebSocket socket;
  private long seq;
  private final List<String> history = new ArrayList<>();

  public ScriptedHub(String token, long heartbeatMs) {
    this.token = token;
    this.heartbeatMs = heartbeatMs;
  }

  @Override
  public Future<?> start() {
    context = vertx.getOrCreateContext();
    server = vertx.createHttpServer()
        .webSocketHandshakeHandler(h -> {
          if (PATH.equals(h.path()) && ("Bearer " + token).equals(h.headers().get(HttpHeaders.AUTHORIZATION))) {
            h.accept();
          } else {
            h.reject(401);
          }
        })
        .webSocketHandler(this::onConnection);
    return server.listen(0, "127.0.0.1").onSuccess(s -> port = s.actualPort());
  }

  @Override
  public Future<?> stop() {
    return server.close();
  }

  public int port() { return port; }

  public String url() { return "ws://127.0.0.1:" + port + PATH; }

  public int connectionsAccepted() { return accepted.get(); }

  /** The session events go to now (null before any). */
  public String session() { return currentSession; }

  public List<JsonObject> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  /** Appends {@code event} to the current session (next seq) and sends it when the bridge holds that session. */
  public Future<Long> emit(JsonObject event) {
    return onContext(() -> {
      long s = ++seq;
      String text = LinkFrames.event(s, event).encode();
      history.add(text);
      if (socket != null) {
        socket.writeFrame(WebSocketFrame.textFrame(text, true));
      }
      return s;
    });
  }

  private void onConnection(ServerWebSocket ws) {
    accepted.incrementAndGet();
    String offered = "sess_" + Ids.newEventId().substring(4);
    boolean[] committed = {false};
    if (currentSession == null) {
      commit(ws, offered);
      committed[0] = true;
    }
    ws.closeHandler(v -> {
      if (socket == ws) {
        socket = null;
      }
    });
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      received.add(frame);
      String type = frame.getString("type");
      if (LinkFrames.RESUME.equals(type) && !committed[0]) {
        committed[0] = true;
        long after = frame.getLong("seq") == null ? 0 : frame.getLong("seq");
        if (!frame.getString("sessionId").equals(currentSession)) {
          ws.writeFrame(WebSocketFrame.textFrame(LinkFrames.frame(LinkFrames.INVALID_SESSION).encode(), true));
          commit(ws, offered);
          ws.writeFrame(WebSocketFrame.textFrame(LinkFrames.hello(offered, heartbeatMs, true).encode(), true));
          return;
        }
        socket = ws;
        for (int i = (int) after; i < history.size(); i++) {
          ws.writeFrame(WebSocketFrame.textFrame(history.get(i), true));
        }
        ws.writeFrame(WebSocketFrame.textFrame(LinkFrames.frame(LinkFrames.RESUMED).encode(), true));
        return;
      }
      if (!committed[0]) {
        committed[0] = true;
        commit(ws, offered);
      }
      if (LinkFrames.HEARTBEAT.equals(type)) {
        ws.writeFrame(WebSocketFrame.textFrame(LinkFrames.frame(LinkFrames.HEARTBEAT_ACK).encode(), true));
      }
    });
    ws.writeFrame(WebSocketFrame.textFrame(LinkFrames.hello(offered, heartbeatMs, true).encode(), true));
  }

  private void commit(ServerWebSocket ws, String session) {
    currentSession = session;
    seq = 0;
    history.clear();
    socket = ws;
  }

  private <T> Future<T> onContext(Supplier<T> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> promise.complete(action.get()));
    return promise.future();
  }
}
