package dev.discordbridge.testing;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A blocking Server-Sent Events client for tests (its own thread, the JDK HTTP client), parsing
 * the stream as a browser would: {@code id}, {@code event}, {@code data} lines, a blank line ends
 * an event. Events are queued; the stream's end is an event named {@code "<closed>"}.
 */
public final class SseClient implements AutoCloseable {
  public static final String CLOSED = "<closed>";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public record Event(String id, String name, String data) {
    public JsonObject json() {
      return new JsonObject(data);
    }
  }

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Thread reader;
  private volatile java.io.InputStream body;
  private volatile int status;
  private volatile String lastId;

  private SseClient(URI uri, String token, String lastEventId) throws IOException, InterruptedException {
    var request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
        .header("Authorization", "Bearer " + token).GET();
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<java.io.InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    status = response.statusCode();
    body = response.body();
    reader = new Thread(this::read, "sse-" + uri.getPort());
    reader.setDaemon(true);
    reader.start();
  }

  public static SseClient open(String baseUrl, String pathAndQuery, String token, String lastEventId)
      throws IOException, InterruptedException {
    return new SseClient(URI.create(baseUrl + pathAndQuery), token, lastEventId);
  }

  public int status() { return status; }

  /** The id of the last event that had one. */
  public String lastId() { return lastId; }

  private void read() {
    try (var in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String id = null;
      String name = null;
      StringBuilder data = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (name != null || data.length() > 0) {
            if (id != null) {
              lastId = id;
            }
            events.add(new Event(id, name == null ? "message" : name, data.toString()));
          }
          id = null;
          name = null;
          data.setLength(0);
        } else if (line.startsWith("id:")) {
          id = line.substring(3).strip();
        } else if (line.startsWith("event:")) {
          name = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          if (data.length() > 0) {
            data.append('\n');
          }
          data.append(line.substring(5).stripLeading());
        }
      }
    } catch (IOException ignored) {
      // closed
    } finally {
      events.add(new Event(null, CLOSED, ""));
    }
  }

  /** The next event, or null after {@code timeoutMs}. */
  public Event next(long timeoutMs) throws InterruptedException {
    return events.poll(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** The next event named {@code name} (others are skipped), or null after {@code timeoutMs}. */
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

  public List<Event> drain() {
    List<Event> out = new ArrayList<>();
    events.drainTo(out);
    return out;
  }

  @Override
  public void close() throws IOException {
    var b = body;
    if (b != null) {
      b.close();
    }
    reader.interrupt();
  }
}
