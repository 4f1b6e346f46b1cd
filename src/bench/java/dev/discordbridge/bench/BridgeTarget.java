package dev.discordbridge.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bridge, run from {@code target/bridge.jar} as its own process pinned to the server CPU and
 * configured only by environment (CONTRACT section 7), linked to the benchmark's {@link Hub}.
 * Streams and commands authenticate with HS256 JWTs signed with the same secret (section 4).
 */
final class BridgeTarget implements Target {
  private static final int COMMAND_USERS = 64;

  private final Vertx vertx;
  private final BenchOptions options;
  private final String linkToken = randomSecret();
  private final String jwtSecret = randomSecret();
  private final Path log;
  private Hub hub;
  private String hubDeployment;
  private Process process;
  private int httpPort;
  private String[] streamAuth;
  private String[] commandAuth;
  private int linksAtStart;

  BridgeTarget(Vertx vertx, BenchOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.log = options.workDir().resolve("target/bench-bridge.log");
  }

  @Override
  public String name() {
    return options.bridgeClass() == null ? "bridge"
        : "stand-in " + options.bridgeClass().substring(options.bridgeClass().lastIndexOf('.') + 1) + " (not the bridge)";
  }

  @Override
  public void start() throws Exception {
    Path jar = options.workDir().resolve(options.jar());
    if (options.bridgeClass() == null && !Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " does not exist: build it with mvn -B -q package -DskipTests");
    }
    hub = new Hub(linkToken);
    hubDeployment = Bench.await(vertx.deployVerticle(hub), 10);
    httpPort = Bench.freePort();

    List<String> cmd = new ArrayList<>(List.of("taskset", "-c", Integer.toString(options.serverCpu())));
    if (options.bridgeClass() == null) {
      // As a user runs it: the launcher, with its JVM defaults for the cores it is given, and the
      // benchmark's options after them (bin/bridge execs java: the process is the JVM itself).
      cmd.add(options.workDir().resolve("bin/bridge").toString());
    } else {
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(options.bridgeJvmOptions());
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), options.bridgeClass()));
    }
    var pb = new ProcessBuilder(cmd).directory(options.workDir().toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    var env = pb.environment();
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("BRIDGE_JAR", jar.toString());
    env.put("BRIDGE_JAVA_OPTS", String.join(" ", options.bridgeJvmOptions()));
    env.put("GATEWAY_WS_URL", "ws://127.0.0.1:" + hub.port() + Hub.PATH);
    env.put("LINK_TOKEN", linkToken);
    env.put("AUTH_JWT_SECRET", jwtSecret);
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("HTTP_PORT", Integer.toString(httpPort));
    env.put("LOG_FORMAT", "text");
    // Generous per-client buffers and rate limits: the benchmark measures fan-out, not shedding.
    env.put("SSE_CLIENT_BUFFER_EVENTS", "10000");
    env.put("SSE_CLIENT_BUFFER_BYTES", "8388608");
    env.put("RATE_LIMIT_USER", "100000/1s");
    env.put("RATE_LIMIT_CHANNEL", "100000/1s");
    env.putAll(options.bridgeEnv());
    Files.writeString(log, "---- bench: starting " + (options.bridgeClass() == null ? jar : options.bridgeClass())
        + " on 127.0.0.1:" + httpPort + ", hub on port " + hub.port() + "\n");
    process = pb.start();
    ChildProcesses.add(process);

    makeTokens();
    awaitReady(options.smoke() ? 45 : 90);
    linksAtStart = hub.linksAccepted();
  }

  private void awaitReady(int seconds) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    var ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready"))
        .timeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    int lastStatus = -1;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the bridge exited with code " + process.exitValue() + "; its output:\n" + tail(log, 25));
      }
      if (hub.linked()) {
        try {
          lastStatus = http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode();
          // 404: no readiness endpoint (yet); the link is up, which is what readiness means.
          if (lastStatus == 200 || lastStatus == 404) {
            return;
          }
        } catch (IOException e) {
          lastStatus = -1;
        }
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the bridge was not ready within " + seconds + " s (hub linked: " + hub.linked()
        + ", /health/ready: " + lastStatus + "); its output:\n" + tail(log, 25));
  }

  private void makeTokens() {
    JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(jwtSecret)));
    var jwtOptions = new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(6 * 3600);
    JsonArray guilds = new JsonArray().add(BenchEvents.GUILD_ID);
    streamAuth = new String[options.streams()];
    for (int i = 0; i < streamAuth.length; i++) {
      streamAuth[i] = "Bearer " + jwt.generateToken(new JsonObject()
          .put("sub", Long.toString(BenchEvents.STREAM_USER_BASE + i)).put("guilds", guilds), jwtOptions);
    }
    commandAuth = new String[COMMAND_USERS];
    for (int i = 0; i < commandAuth.length; i++) {
      commandAuth[i] = "Bearer " + jwt.generateToken(new JsonObject()
          .put("sub", Long.toString(BenchEvents.COMMAND_USER_BASE + i)).put("guilds", guilds), jwtOptions);
    }
  }

  /** The bridge's HTTP port (its /metrics is there unless an admin port is set). */
  int httpPort() {
    return httpPort;
  }

  @Override
  public long measuredPid() {
    return process.pid();
  }

  @Override
  public SseLoop.StreamSpec streamSpec() {
    return new SseLoop.StreamSpec(new java.net.InetSocketAddress("127.0.0.1", httpPort),
        i -> ("GET /api/stream?guild=" + BenchEvents.GUILD_ID + " HTTP/1.1\r\nHost: 127.0.0.1:" + httpPort
            + "\r\nAuthorization: " + streamAuth[i] + "\r\nAccept: text/event-stream\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII), true);
  }

  @Override
  public void publish(String eventJson) {
    hub.emit(eventJson);
  }

  @Override
  public CommandSpec commands() {
    return new CommandSpec(
        n -> new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(httpPort)
            .setURI("/api/commands/sendMessage").putHeader("Authorization", commandAuth[n % COMMAND_USERS])
            .putHeader("Content-Type", "application/json"),
        n -> new JsonObject().put("guildId", BenchEvents.GUILD_ID)
            .put("channelId", Long.toString(BenchEvents.COMMAND_CHANNEL_BASE + n % COMMAND_USERS))
            .put("content", "bench command " + n).toBuffer());
  }

  @Override
  public String notes() {
    int reconnects = hub.linksAccepted() - linksAtStart;
    var sb = new StringBuilder();
    if (reconnects > 0) {
      sb.append("link reconnects ").append(reconnects).append("; ");
    }
    if (hub.dropped() > 0) {
      sb.append("events without a link ").append(hub.dropped()).append("; ");
    }
    return sb.toString();
  }

  @Override
  public void stop() {
    if (process != null) {
      ChildProcesses.stop(process, 15);
    }
    if (hubDeployment != null) {
      Bench.awaitQuietly(vertx.undeploy(hubDeployment), 5);
    }
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ")";
    }
  }

  private static String randomSecret() {
    byte[] b = new byte[36];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
