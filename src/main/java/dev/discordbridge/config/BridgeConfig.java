package dev.discordbridge.config;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole configuration, parsed once at start-up from conf/ defaults overlaid by the
 * environment. Each record validates what it holds; {@link #parse} fails with a message that
 * names the variable.
 */
public record BridgeConfig(Node node, Http http, Auth auth, Link link, Stream stream, Command command,
                           RateLimitConfig rateLimit, Legacy legacy, Cluster cluster, Sim sim,
                           Map<String, Integer> instances) {

  public static final List<String> ROLES = List.of("gateway", "sse-router", "command-dispatcher", "rate-limiter", "legacy-bridge");

  public record Node(String id) {}

  /**
   * @param headerTimeoutMs a connection that has not sent a complete request head this long after
   *     it opened (or after the first byte of its next request) is closed
   * @param idleTimeoutMs a connection with no read and no write this long is closed (SSE streams
   *     are exempt: they carry heartbeats)
   * @param maxConnections open connections on the public port, all instances together; past it the
   *     oldest connection that has not sent a request head is closed (or, if none, the new one)
   */
  public record Http(String host, int port, int bodyLimitBytes, List<String> allowedOrigins, long headerTimeoutMs,
                     long idleTimeoutMs, int maxConnections) {
    public boolean originAllowed(String origin) {
      return origin != null && allowedOrigins.contains(origin);
    }
  }

  /**
   * @param jwtSecret HS256 secret, or null when a public key is used
   * @param jwtPublicKey PEM public key for RS256/ES256, or null
   * @param demo true when the embedded simulated hub runs and demo tokens may be issued
   */
  public record Auth(String jwtSecret, String jwtPublicKey, String jwtAlgorithm, boolean allowQueryToken,
                     boolean demo) {
    @Override
    public String toString() {
      return "Auth[algorithm=" + jwtAlgorithm + ", allowQueryToken=" + allowQueryToken + ", demo=" + demo + "]";
    }
  }

  /**
   * @param gatewayUrl the hub, or null: then an embedded simulated hub runs
   * @param unknownEvents unknown event names to forward; "*" forwards them all
   * @param maxFrameBytes the largest WebSocket frame (and message) the link reads; a larger one
   *     is dropped and counted, or, sent as one frame, closes the socket (1009)
   * @param maxFailedResumes resumes in a row that may end before any event is accepted; then the
   *     bridge gives the session up, starts a fresh one and resets every stream
   */
  public record Link(URI gatewayUrl, String linkToken, long backoffBaseMs, long backoffMaxMs, long helloTimeoutMs,
                     Set<String> unknownEvents, int dedupeWindow, int maxFrameBytes, int maxFailedResumes) {
    public boolean forwardsUnknown(String name) {
      return unknownEvents.contains("*") || unknownEvents.contains(name);
    }

    @Override
    public String toString() {
      return "Link[gatewayUrl=" + gatewayUrl + ", backoff=" + backoffBaseMs + ".." + backoffMaxMs + "ms]";
    }
  }

  public record Stream(long heartbeatMs, long retryMs, int replayWindow, int clientBufferEvents,
                       int clientBufferBytes) {}

  /**
   * @param journalDir where a node on its own keeps queued commands across restarts ({@code COMMAND_JOURNAL_DIR})
   * @param maxAgeMs a queued command older than this (since its POST) is failed and logged instead of sent
   * @param shutdownGraceMs how long SIGTERM lets the queue drain before the node exits ({@code SHUTDOWN_GRACE_MS})
   */
  public record Command(int queueCapacity, long ackWaitMs, int maxAttempts, long backoffBaseMs, long backoffMaxMs,
                        long idempotencyTtlMs, long attemptTimeoutMs, Path journalDir, long maxAgeMs,
                        long shutdownGraceMs) {}

  public record Legacy(boolean enabled, int maxFrameBytes, long pingIntervalMs) {}

  /**
   * @param quorum members a side of a split cluster needs to hold (or renew) the link lease;
   *     set it to a majority (2 of 3) in production
   * @param leaseMs how long the link lease lasts without renewal (failover time is about this
   *     plus the renewal period)
   */
  public record Cluster(boolean enabled, String name, String host, int port, List<String> members,
                        long memberTimeoutSeconds, int quorum, long leaseMs) {}

  public record Sim(double eventsPerSecond) {}

  /** The same configuration with the link pointed at {@code url} (the embedded hub in demo mode). */
  public BridgeConfig withGatewayUrl(URI url) {
    var l = new Link(url, link.linkToken(), link.backoffBaseMs(), link.backoffMaxMs(), link.helloTimeoutMs(),
        link.unknownEvents(), link.dedupeWindow(), link.maxFrameBytes(), link.maxFailedResumes());
    return new BridgeConfig(node, http, auth, l, stream, command, rateLimit, legacy, cluster, sim, instances);
  }

  public BridgeConfig withHttpPort(int port) {
    var h = new Http(http.host(), port, http.bodyLimitBytes(), http.allowedOrigins(), http.headerTimeoutMs(),
        http.idleTimeoutMs(), http.maxConnections());
    return new BridgeConfig(node, h, auth, link, stream, command, rateLimit, legacy, cluster, sim, instances);
  }

  /** A copy with some settings replaced (tests): keys as in the environment. */
  public static BridgeConfig parse(JsonObject defaults, JsonObject overrides) {
    return parse(defaults.copy().mergeIn(overrides));
  }

  public int instances(String role) {
    return instances.getOrDefault(role, 1);
  }

  public static BridgeConfig parse(JsonObject raw) {
    var r = new ConfigReader(raw);

    URI gateway = gatewayUrl(r.string("GATEWAY_WS_URL", null));
    boolean demo = gateway == null;
    String linkToken = r.secret("LINK_TOKEN");
    String jwtSecret = r.secret("AUTH_JWT_SECRET");
    String publicKey = r.secret("AUTH_JWT_PUBLIC_KEY");
    if (!demo && linkToken == null) {
      throw new ConfigException("LINK_TOKEN is required when GATEWAY_WS_URL is set");
    }
    if (!demo && jwtSecret == null && publicKey == null) {
      throw new ConfigException("AUTH_JWT_SECRET is required when GATEWAY_WS_URL is set (or AUTH_JWT_PUBLIC_KEY for RS256/ES256)");
    }
    if (jwtSecret != null && jwtSecret.length() < 32) {
      throw new ConfigException("AUTH_JWT_SECRET must be at least 32 characters long, got " + jwtSecret.length());
    }
    String algorithm = r.string("AUTH_JWT_ALGORITHM", publicKey != null ? "RS256" : "HS256");
    if (!Set.of("HS256", "RS256", "ES256").contains(algorithm)) {
      throw new ConfigException("AUTH_JWT_ALGORITHM must be HS256, RS256 or ES256, got \"" + ConfigReader.shown(algorithm) + "\"");
    }
    if (!"HS256".equals(algorithm) && publicKey == null) {
      throw new ConfigException("AUTH_JWT_PUBLIC_KEY is required when AUTH_JWT_ALGORITHM is " + algorithm);
    }
    if (demo) {
      linkToken = linkToken != null ? linkToken : randomSecret();
      jwtSecret = jwtSecret != null || publicKey != null ? jwtSecret : randomSecret();
    }

    List<String> origins = r.list("ALLOWED_ORIGINS");
    for (String o : origins) {
      if (!o.matches("https?://[^/\\s]+")) {
        throw new ConfigException("ALLOWED_ORIGINS must be a comma list of origins like https://app.example.com, got \"" + ConfigReader.shown(o) + "\"");
      }
    }

    var node = new Node(r.string("NODE_ID", defaultNodeId()));
    var http = new Http(r.string("HTTP_HOST", "0.0.0.0"), r.integer("HTTP_PORT", 8080, 0, 65535),
        r.integer("HTTP_BODY_LIMIT_BYTES", 16_384, 256, 1_048_576), origins,
        r.number("HTTP_HEADER_TIMEOUT_MS", 10_000, 100, 600_000), r.number("HTTP_IDLE_TIMEOUT_MS", 60_000, 1_000, 86_400_000),
        maxConnections(r));
    var auth = new Auth(jwtSecret, publicKey, algorithm, r.bool("AUTH_ALLOW_QUERY_TOKEN", false), demo);
    long backoffBase = r.number("LINK_BACKOFF_BASE_MS", 500, 10, 60_000);
    long backoffMax = r.number("LINK_BACKOFF_MAX_MS", 30_000, 10, 600_000);
    if (backoffMax < backoffBase) {
      throw new ConfigException("LINK_BACKOFF_MAX_MS must be at least LINK_BACKOFF_BASE_MS (" + backoffBase + "), got " + backoffMax);
    }
    var link = new Link(gateway, linkToken, backoffBase, backoffMax, r.number("LINK_HELLO_TIMEOUT_MS", 10_000, 100, 120_000),
        Set.copyOf(r.list("FORWARD_UNKNOWN_EVENTS")), r.integer("LINK_DEDUPE_WINDOW", 100_000, 100, 10_000_000),
        r.integer("LINK_MAX_FRAME_BYTES", 16_777_216, 65_536, 268_435_456), r.integer("LINK_MAX_FAILED_RESUMES", 3, 1, 100));
    var stream = new Stream(r.number("SSE_HEARTBEAT_MS", 15_000, 50, 3_600_000), r.number("SSE_RETRY_MS", 2_000, 100, 600_000),
        r.integer("SSE_REPLAY_WINDOW", 10_000, 0, 10_000_000), r.integer("SSE_CLIENT_BUFFER_EVENTS", 1_000, 1, 1_000_000),
        r.integer("SSE_CLIENT_BUFFER_BYTES", 1_048_576, 1_024, 268_435_456));
    if (http.idleTimeoutMs() <= stream.heartbeatMs()) {
      // Streams are exempt from the idle timeout, but a proxy in front applies its own: keep the
      // bridge's the longer one so that a stream's heartbeat always comes first.
      throw new ConfigException("HTTP_IDLE_TIMEOUT_MS must be greater than SSE_HEARTBEAT_MS (" + stream.heartbeatMs()
          + "), got " + http.idleTimeoutMs());
    }
    var command = new Command(r.integer("COMMAND_QUEUE_CAPACITY", 1000, 1, 10_000_000),
        r.number("COMMAND_ACK_WAIT_MS", 2_000, 0, 60_000), r.integer("COMMAND_MAX_ATTEMPTS", 5, 1, 100),
        r.number("COMMAND_BACKOFF_BASE_MS", 200, 1, 60_000), r.number("COMMAND_BACKOFF_MAX_MS", 10_000, 1, 600_000),
        r.number("IDEMPOTENCY_TTL_MS", 600_000, 1_000, 7 * 86_400_000L), r.number("COMMAND_ATTEMPT_TIMEOUT_MS", 5_000, 50, 120_000),
        r.path("COMMAND_JOURNAL_DIR", "./data/journal"), r.number("COMMAND_MAX_AGE_MS", 600_000, 1_000, 7 * 86_400_000L),
        r.number("SHUTDOWN_GRACE_MS", 10_000, 0, 600_000));
    var rate = new RateLimitConfig(r.bucket("RATE_LIMIT_USER", "10/10s"), r.bucket("RATE_LIMIT_CHANNEL", "20/10s"));
    var legacy = new Legacy(r.bool("ENABLE_WS_BRIDGE", false), r.integer("WS_MAX_FRAME_BYTES", 4_096, 64, 1_048_576),
        r.number("WS_PING_INTERVAL_MS", 25_000, 100, 600_000));
    if (legacy.enabled() && legacy.pingIntervalMs() >= http.idleTimeoutMs()) {
      throw new ConfigException("WS_PING_INTERVAL_MS must be less than HTTP_IDLE_TIMEOUT_MS (" + http.idleTimeoutMs()
          + ") when ENABLE_WS_BRIDGE is on, got " + legacy.pingIntervalMs());
    }
    var cluster = new Cluster(r.bool("CLUSTER_ENABLED", false), r.string("CLUSTER_NAME", "discord-bridge"),
        r.string("CLUSTER_HOST", "127.0.0.1"), r.integer("CLUSTER_PORT", 5701, 0, 65535),
        r.list("CLUSTER_MEMBERS").isEmpty() ? List.of("127.0.0.1") : r.list("CLUSTER_MEMBERS"),
        r.number("CLUSTER_MEMBER_TIMEOUT_SECONDS", 6, 2, 600), r.integer("CLUSTER_QUORUM", 1, 1, 100),
        r.number("CLUSTER_LEASE_MS", 3_000, 500, 120_000));
    var sim = new Sim(r.decimal("SIM_EVENTS_PER_SEC", 3, 0, 100_000));

    Map<String, Integer> instances = new LinkedHashMap<>();
    JsonObject verticles = raw.getJsonObject("verticles", new JsonObject());
    for (String role : ROLES) {
      String envKey = "VERTICLES_" + role.toUpperCase().replace('-', '_') + "_INSTANCES";
      Object fromConf = verticles.getJsonObject(role, new JsonObject()).getValue("instances");
      var roleReader = new ConfigReader(new JsonObject().put(envKey, raw.getValue(envKey, fromConf)));
      int fallback = "sse-router".equals(role) ? Math.max(1, Runtime.getRuntime().availableProcessors()) : 1;
      instances.put(role, roleReader.integer(envKey, fallback, 1, "gateway".equals(role) ? 1 : 64));
    }
    return new BridgeConfig(node, http, auth, link, stream, command, rate, legacy, cluster, sim, Map.copyOf(instances));
  }

  /**
   * {@code auto} (the default): 90% of the process's file-descriptor limit, leaving at least 256
   * descriptors for the upstream link, the cluster, the journal and logs; or a number.
   */
  private static int maxConnections(ConfigReader r) {
    String s = r.string("HTTP_MAX_CONNECTIONS", "auto");
    if (!"auto".equalsIgnoreCase(s)) {
      if (!s.matches("\\d{1,9}")) {
        throw new ConfigException("HTTP_MAX_CONNECTIONS must be \"auto\" or a whole number from 1 to 10000000, got \""
            + ConfigReader.shown(s) + "\"");
      }
      return r.integer("HTTP_MAX_CONNECTIONS", 0, 1, 10_000_000);
    }
    long limit = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    if (limit <= 0) {
      return 10_000;
    }
    return (int) Math.min(10_000_000, Math.max(64, limit - Math.max(256, limit / 10)));
  }

  private static URI gatewayUrl(String s) {
    if (s == null) {
      return null;
    }
    try {
      URI uri = new URI(s);
      if (!("ws".equals(uri.getScheme()) || "wss".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new ConfigException("GATEWAY_WS_URL must be a ws:// or wss:// URL, got \"" + ConfigReader.shown(s) + "\"");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException("GATEWAY_WS_URL must be a ws:// or wss:// URL, got \"" + ConfigReader.shown(s) + "\"");
    }
  }

  private static String randomSecret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String defaultNodeId() {
    String host = System.getenv().getOrDefault("HOSTNAME", "node");
    return host + "-" + ProcessHandle.current().pid();
  }
}
