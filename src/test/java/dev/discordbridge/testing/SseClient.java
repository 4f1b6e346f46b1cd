package dev.discordbridge.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The one Server-Sent Events client of the tests: a blocking reader on its own thread (the JDK
 * HTTP client), parsing the stream as a browser would: {@code id}, {@code event}, {@code data},
 * {@code retry} lines, a blank line ends a frame. Every frame is queued (a frame without
 * {@code event} has the name {@code "message"} when it has data, else null, e.g. a lone
 * {@code retry}); the stream's end is a frame named {@link #CLOSED}. For an answer other than 200
 * the body is read whole ({@link #body()}) and no frame is queued.
 */
public final class SseClient implements AutoCloseable {
  public static final String CLOSED = "<closed>";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One frame; {@code at}: when it was parsed (epoch ms). */
  public record Event(String id, String name, String data, Long retry, long at) {
    public JsonObject json() {
      return new JsonObject(data);
    }
  }

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private final HttpResponse<InputStream> response;
  private final String body;
  private final Thread reader;
  private volatile String lastId;

  private SseClient(URI uri, Map<String, String> headers) throws IOException, InterruptedException {
    var request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
    headers.forEach(request::header);
    response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      try (InputStream in = response.body()) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      ended.complete(null);
      reader = null;
      return;
    }
    body = null;
    reader = new Thread(this::read, "sse-" + uri.getPort());
    reader.setDaemon(true);
    reader.start();
  }

  /** Opens {@code baseUrl + pathAndQuery} with a bearer token and, unless null, a Last-Event-ID. */
  public static SseClient open(String baseUrl, String pathAndQuery, String token, String lastEventId)
      throws IOException, InterruptedException {
    Map<String, String> headers = lastEventId == null ? Map.of("Authorization", "Bearer " + token)
        : Map.of("Authorization", "Bearer " + token, "Last-Event-ID", lastEventId);
    return new SseClient(URI.create(baseUrl + pathAndQuery), headers);
  }

  /** Opens {@code path} on 127.0.0.1:{@code port} with exactly these request headers. */
  public static SseClient open(int port, String path, Map<String, String> headers) {
    try {
      return new SseClient(URI.create("http://127.0.0.1:" + port + path), headers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public int status() { return response.statusCode(); }

  /** A response header, or null. */
  public String header(String name) { return response.headers().firstValue(name).orElse(null); }

  /** The whole body of an answer other than 200; null for a stream. */
  public String body() { return body; }

  /** Completes when the stream ends (the server closed it, or {@link #close}). */
  public CompletableFuture<Void> ended() { return ended; }

  /** The id of the last frame that had one. */
  public String lastId() { return lastId; }

  private void read() {
    try (var in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String id = null;
      String name = null;
      Long retry = null;
      StringBuilder data = null;
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (id != null || name != null || data != null || retry != null) {
            if (id != null) {
              lastId = id;
            }
            String text = data == null ? null : data.toString();
            events.add(new Event(id, name != null ? name : text != null ? "message" : null, text, retry,
                System.currentTimeMillis()));
          }
          id = null;
          name = null;
          retry = null;
          data = null;
          continue;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1).stripLeading();
        switch (field) {
          case "id" -> id = value;
          case "event" -> name = value;
          case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
          case "retry" -> retry = Long.parseLong(value);
          default -> { } // a comment
        }
      }
    } catch (IOException ignored) {
      // closed
    } finally {
      events.add(new Event(null, CLOSED, "", null, System.currentTimeMillis()));
      ended.complete(null);
    }
  }

  /** The next frame, or null after {@code timeoutMs}. */
  public Event next(long timeoutMs) throws InterruptedException {
    return events.poll(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** The next frame named {@code name} (others are skipped), or null after {@code timeoutMs}. */
  public Event next(String name, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      Event e = left <= 0 ? null : events.poll(left, TimeUnit.MILLISECONDS);
      if (e == null || name.equals(e.name()) || CLOSED.equals(e.name())) {
        return e;
      }
    }
  }

  /** The next frame; fails the test when none arrives within 10 s. */
  public Event next() {
    try {
      Event e = events.poll(10, TimeUnit.SECONDS);
      assertNotNull(e, "no SSE frame within 10 s");
      return e;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(ex);
    }
  }

  /** The next frame that is not a heartbeat; fails the test when none arrives within 10 s. */
  public Event nextEvent() {
    Event e;
    do {
      e = next();
    } while ("heartbeat".equals(e.name()));
    return e;
  }

  /** The next frame that is not a heartbeat, or null when none arrives within {@code millis}. */
  public Event pollEvent(long millis) {
    long deadline = System.currentTimeMillis() + millis;
    try {
      while (true) {
        long left = deadline - System.currentTimeMillis();
        Event e = events.poll(Math.max(0, left), TimeUnit.MILLISECONDS);
        if (e == null || !"heartbeat".equals(e.name())) {
          return e;
        }
      }
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(ex);
    }
  }

  public List<Event> drain() {
    List<Event> out = new ArrayList<>();
    events.drainTo(out);
    return out;
  }

  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException ignored) {
      // already closed
    }
    if (reader != null) {
      reader.interrupt();
    }
  }
}
