package dev.discordbridge.stream;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test SSE reader: parses the raw stream into frames that the test thread takes one by one. */
final class SseClient {
  record Frame(String id, String event, String data, Long retry, long at) {
    JsonObject json() {
      return new JsonObject(data);
    }
  }

  final int status;
  final MultiMap headers;
  final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
  final CompletableFuture<Void> ended = new CompletableFuture<>();
  final String body;
  private final HttpClientResponse response;
  private final StringBuilder pending = new StringBuilder();

  private SseClient(HttpClientResponse response, String body) {
    this.response = response;
    this.status = response.statusCode();
    this.headers = response.headers();
    this.body = body;
    if (body == null) {
      response.handler(this::onData);
      response.endHandler(v -> ended.complete(null));
      response.exceptionHandler(err -> ended.complete(null));
    }
  }

  /** Opens {@code path}; for a non-200 answer the body is read whole into {@link #body}. */
  static SseClient open(HttpClient client, int port, String path, Map<String, String> headers) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(path);
    headers.forEach(options::putHeader);
    return client.request(options).compose(req -> req.send()).compose(res -> {
      if (res.statusCode() != 200) {
        return res.body().map(b -> new SseClient(res, b.toString()));
      }
      return io.vertx.core.Future.succeededFuture(new SseClient(res, null));
    }).await();
  }

  private synchronized void onData(Buffer chunk) {
    pending.append(chunk.toString());
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String block = pending.substring(0, end);
      pending.delete(0, end + 2);
      String id = null, event = null, data = null;
      Long retry = null;
      for (String line : block.split("\n")) {
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1).stripLeading();
        switch (field) {
          case "id" -> id = value;
          case "event" -> event = value;
          case "data" -> data = data == null ? value : data + "\n" + value;
          case "retry" -> retry = Long.parseLong(value);
          default -> { }
        }
      }
      frames.add(new Frame(id, event, data, retry, System.currentTimeMillis()));
    }
  }

  Frame next() {
    try {
      Frame f = frames.poll(10, TimeUnit.SECONDS);
      assertNotNull(f, "no SSE frame within 10 s");
      return f;
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next frame that is not a heartbeat. */
  Frame nextEvent() {
    Frame f;
    do {
      f = next();
    } while ("heartbeat".equals(f.event()));
    return f;
  }

  /** No non-heartbeat frame arrives within {@code millis}. */
  Frame pollEvent(long millis) {
    long deadline = System.currentTimeMillis() + millis;
    try {
      while (true) {
        long left = deadline - System.currentTimeMillis();
        Frame f = frames.poll(Math.max(0, left), TimeUnit.MILLISECONDS);
        if (f == null || !"heartbeat".equals(f.event())) {
          return f;
        }
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  void close() {
    response.request().connection().close();
  }
}
