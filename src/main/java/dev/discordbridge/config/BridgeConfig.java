package dev.discordbridge.config;

import com.sun.management.UnixOperatingSystemMXBean;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The whole configuration, parsed once at start-up from conf/ defaults overlaid by the
 * environment. conf/bridge.json is the one place defaults live; only values that cannot be
 * constants (the node id, demo secrets, the JWT algorithm implied by the key) are derived here.
 * {@link #parseMerged} fails with a message that names the variable.
 */
public record BridgeConfig(Node node, Http http, Auth auth, Link link, Stream stream, Command command,
                           RateLimitConfig rateLimit, Legacy legacy, Cluster cluster, Sim sim,
                           Map<Role, Integer> instances, DiscordConfig discord, Listeners listeners) {

  /** Where the defaults live: conf/bridge.json, packaged in the jar at this class-path location. */
  public static final String DEFAULTS_RESOURCE = "conf/bridge.json";
  /** The shortest LINK_TOKEN accepted: it guards the link and POST /internal/events. */
  public static final int MIN_LINK_TOKEN_CHARS = 16;

  /**
   * @param id this node's name in logs, metrics and the cluster
   * @param transport the network transport: {@code nio}, {@code epoll}, {@code io_uring}, or
   *     {@code auto} (epoll when the native library loads, else NIO)
   */
  public record Node(String id, String transport) {
    public static final Set<String> TRANSPORTS = Set.of("nio", "epoll", "io_uring", "auto");
  }

  /**
   * @param headerTimeoutMs a connection that has not sent a complete request head this long after
   *     it opened (or after the first byte of its next request) is closed
   * @param idleTimeoutMs a connection with no read and no write this long is closed (SSE streams
   *     are exempt: they carry heartbeats)
   * @param maxConnections open connections on the public port, all instances together; past it the
   *     oldest connection that has not sent a request head is closed, else the oldest one that only
   *     drains a body after an early answer (or, if none, the new one)
   * @param bodyTimeoutMs the whole body of a request (any route) must arrive this long after its
   *     head (else 408 and close); a body still coming after an early answer is drained at most this long
   */
  public record Http(String host, int port, int bodyLimitBytes, List<String> allowedOrigins, long headerTimeoutMs,
                     long idleTimeoutMs, int maxConnections, long bodyTimeoutMs) {}

  /**
   * @param jwtSecret HS256 secret, or null when a public key is used
   * @param jwtPublicKey PEM public key for RS256/ES256, or null
   * @param demo true when the embedded simulated hub runs and demo tokens may be issued
   * @param maxTokenTtlMs {@code AUTH_MAX_TOKEN_TTL_MS}: a token whose exp is further than this from now, or
   *     from its iat, is refused; 0 = no limit
   */
  public record Auth(String jwtSecret, String jwtPublicKey, String jwtAlgorithm, boolean allowQueryToken,
                     boolean demo, long maxTokenTtlMs, boolean generatedSecret) {
    /** Without a lifetime cap. */
    public Auth(String jwtSecret, String jwtPublicKey, String jwtAlgorithm, boolean allowQueryToken, boolean demo) {
      this(jwtSecret, jwtPublicKey, jwtAlgorithm, allowQueryToken, demo, 0, false);
    }

    @Override
    public String toString() {
      return "Auth[algorithm=" + jwtAlgorithm + ", allowQueryToken=" + allowQueryToken + ", demo=" + demo
          + ", maxTokenTtlMs=" + maxTokenTtlMs + "]";
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

  /**
   * @param maxStreamsPerUser {@code SSE_MAX_STREAMS_PER_USER}: open streams of one user on this node (all
   *     router instances together); one more ends the user's oldest with an {@code evicted} event
   */
  public record Stream(long heartbeatMs, long retryMs, int replayWindow, int clientBufferEvents,
                       int clientBufferBytes, int maxStreamsPerUser) {}

  /**
   * @param journalDir where a node on its own keeps queued commands across restarts ({@code COMMAND_JOURNAL_DIR})
   * @param maxAgeMs a queued command older than this (since its POST) is failed and logged instead of sent
   * @param shutdownGraceMs how long SIGTERM lets the queue drain before the node exits ({@code SHUTDOWN_GRACE_MS})
   * @param maxInFlight commands sent at once, each in a different channel ({@code COMMAND_MAX_IN_FLIGHT});
   *     a channel's commands always go one after the other, in order
   */
  public record Command(int queueCapacity, long ackWaitMs, int maxAttempts, long backoffBaseMs, long backoffMaxMs,
                        long idempotencyTtlMs, long attemptTimeoutMs, Path journalDir, long maxAgeMs,
                        long shutdownGraceMs, int maxInFlight) {
    /** The shares of {@code COMMAND_ACK_WAIT_MS} each stage of a command POST gets. */
    public CommandBudget budget() {
      return CommandBudget.of(ackWaitMs);
    }
  }

  public record Legacy(boolean enabled, int maxFrameBytes, long pingIntervalMs) {}

  /**
   * @param quorum members a side of a split cluster needs to hold (or renew) the link lease;
   *     set it to a majority (2 of 3) in production
   * @param leaseMs how long the link lease lasts without renewal (failover time is about this
   *     plus the renewal period)
   * @param kubernetesServiceDns {@code CLUSTER_KUBERNETES_SERVICE_DNS}: a headless Service's DNS name; when set,
   *     Hazelcast's Kubernetes discovery (DNS lookup) finds the members instead of CLUSTER_MEMBERS
   */
  public record Cluster(boolean enabled, String name, String host, int port, List<String> members,
                        long memberTimeoutSeconds, int quorum, long leaseMs, String kubernetesServiceDns) {
    public Cluster(boolean enabled, String name, String host, int port, List<String> members, long memberTimeoutSeconds,
                   int quorum, long leaseMs) {
      this(enabled, name, host, port, members, memberTimeoutSeconds, quorum, leaseMs, null);
    }
  }

  public record Sim(double eventsPerSecond) {}

  /** Sign in with Discord's settings, or null when it is off (it needs direct mode). */
  public SignInConfig signIn() {
    return discord == null ? null : discord.signIn();
  }

  /** True when the bridge talks to Discord itself rather than to a hub. */
  public boolean direct() {
    return discord != null;
  }

  /** The same configuration with the link pointed at {@code url} (the embedded hub in demo mode). */
  public BridgeConfig withGatewayUrl(URI url) {
    var l = new Link(url, link.linkToken(), link.backoffBaseMs(), link.backoffMaxMs(), link.helloTimeoutMs(),
        link.unknownEvents(), link.dedupeWindow(), link.maxFrameBytes(), link.maxFailedResumes());
    return new BridgeConfig(node, http, auth, l, stream, command, rateLimit, legacy, cluster, sim, instances, discord, listeners);
  }

  public BridgeConfig withHttpPort(int port) {
    var h = new Http(http.host(), port, http.bodyLimitBytes(), http.allowedOrigins(), http.headerTimeoutMs(),
        http.idleTimeoutMs(), http.maxConnections(), http.bodyTimeoutMs());
    return new BridgeConfig(node, h, auth, link, stream, command, rateLimit, legacy, cluster, sim, instances, discord, listeners);
  }

  public BridgeConfig withListeners(Listeners l) {
    return new BridgeConfig(node, http, auth, link, stream, command, rateLimit, legacy, cluster, sim, instances, discord, l);
  }

  /** The same configuration with the demo JWT secret the cluster agreed on (demo mode, generated secrets only). */
  public BridgeConfig withDemoSecret(String secret) {
    var a = new Auth(secret, auth.jwtPublicKey(), auth.jwtAlgorithm(), auth.allowQueryToken(), auth.demo(), auth.maxTokenTtlMs(), true);
    return new BridgeConfig(node, http, a, link, stream, command, rateLimit, legacy, cluster, sim, instances, discord, listeners);
  }

  public int instances(Role role) {
    return instances.get(role);
  }

  /** The packaged conf/bridge.json: every default, in the one place defaults live. */
  /** A loopback host written literally (localhost, 127.0.0.0/8, ::1): where a secret may travel over plain http/ws. */
  public static boolean isLoopback(String host) {
    return ConfigReader.isLoopback(host);
  }

  public static JsonObject defaults() {
    try (InputStream in = BridgeConfig.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new ConfigException(DEFAULTS_RESOURCE + " is not on the class path");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException(DEFAULTS_RESOURCE + " cannot be read: " + e.getMessage());
    }
  }

  /**
   * {@code settings} (keys as in the environment; a blank value counts as unset) over the
   * packaged defaults: for tests and tools that build a configuration in code.
   */
  public static BridgeConfig parse(JsonObject settings) {
    return parseMerged(defaults().mergeIn(withoutBlanks(settings), true));
  }

  /** {@code source} without its blank values, which mean "unset" (an empty variable in a .env file). */
  public static JsonObject withoutBlanks(JsonObject source) {
    var out = new JsonObject();
    source.forEach(e -> {
      if (!(e.getValue() instanceof String v) || !v.isBlank()) {
        out.put(e.getKey(), e.getValue());
      }
    });
    return out;
  }

  /**
   * The configuration from the merged sources (conf/bridge.json, the environment, flags). Every
   * default comes from conf/: a setting it lacks fails by name.
   */
  public static BridgeConfig parseMerged(JsonObject raw) {
    var r = new ConfigReader(raw);
    URI gateway = gatewayUrl(r.optional("GATEWAY_WS_URL"));
    String linkToken = r.optional("LINK_TOKEN");
    if (gateway != null && linkToken == null) {
      throw new ConfigException("LINK_TOKEN is required when GATEWAY_WS_URL is set");
    }
    if (linkToken != null && linkToken.length() < MIN_LINK_TOKEN_CHARS) {
      // It also guards POST /internal/events: a short token could be guessed. Never show the value.
      throw new ConfigException("LINK_TOKEN must be at least " + MIN_LINK_TOKEN_CHARS + " characters long, got "
          + linkToken.length());
    }
    var discord = DiscordConfig.parse(r);
    if (discord != null && gateway != null) {
      throw new ConfigException("DISCORD_BOT_TOKEN and GATEWAY_WS_URL cannot both be set: the bridge talks either to "
          + "Discord itself (DISCORD_BOT_TOKEN) or to a hub (GATEWAY_WS_URL); unset one");
    }
    var auth = auth(r, gateway == null && discord == null);
    var signIn = SignInConfig.parse(r, discord != null, auth);
    if (signIn != null) {
      discord = discord.withSignIn(signIn);
    }
    var http = http(r);
    var stream = new Stream(r.number("SSE_HEARTBEAT_MS", 50, 3_600_000), r.number("SSE_RETRY_MS", 100, 600_000),
        r.integer("SSE_REPLAY_WINDOW", 0, 10_000_000), r.integer("SSE_CLIENT_BUFFER_EVENTS", 1, 1_000_000),
        r.integer("SSE_CLIENT_BUFFER_BYTES", 1_024, 268_435_456), r.integer("SSE_MAX_STREAMS_PER_USER", 1, 100_000));
    if (http.idleTimeoutMs() <= stream.heartbeatMs()) {
      // Streams are exempt from the idle timeout, but a proxy in front applies its own: keep the
      // bridge's the longer one so that a stream's heartbeat always comes first.
      throw new ConfigException("HTTP_IDLE_TIMEOUT_MS must be greater than SSE_HEARTBEAT_MS (" + stream.heartbeatMs()
          + "), got " + http.idleTimeoutMs());
    }
    var legacy = new Legacy(r.bool("ENABLE_WS_BRIDGE"), r.integer("WS_MAX_FRAME_BYTES", 64, 1_048_576),
        r.number("WS_PING_INTERVAL_MS", 100, 600_000));
    if (legacy.enabled() && legacy.pingIntervalMs() >= http.idleTimeoutMs()) {
      throw new ConfigException("WS_PING_INTERVAL_MS must be less than HTTP_IDLE_TIMEOUT_MS (" + http.idleTimeoutMs()
          + ") when ENABLE_WS_BRIDGE is on, got " + legacy.pingIntervalMs());
    }
    var rate = new RateLimitConfig(r.bucket("RATE_LIMIT_USER"), r.bucket("RATE_LIMIT_CHANNEL"));
    String transport = r.string("NETWORK_TRANSPORT").toLowerCase(Locale.ROOT);
    if (!Node.TRANSPORTS.contains(transport)) {
      throw new ConfigException("NETWORK_TRANSPORT must be nio, epoll, io_uring or auto, got \"" + ConfigReader.shown(transport) + "\"");
    }
    var node = new Node(Objects.requireNonNullElseGet(r.optional("NODE_ID"), BridgeConfig::defaultNodeId), transport);
    return new BridgeConfig(node, http, auth, link(r, gateway, linkToken != null ? linkToken : randomSecret()), stream,
        command(r), rate, legacy, cluster(r), new Sim(r.decimal("SIM_EVENTS_PER_SEC", 0, 100_000)), instances(raw),
        discord, Listeners.from(r, http.port()));
  }

  static URI url(String key, String s, Set<String> schemes) {
    String expected = key + " must be a " + String.join(" or ", schemes.stream().sorted().map(x -> x + "://").toList())
        + " URL, got \"" + ConfigReader.shown(s) + "\"";
    try {
      URI uri = new URI(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
      if (!schemes.contains(uri.getScheme()) || uri.getHost() == null || uri.getQuery() != null) {
        throw new ConfigException(expected);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException(expected);
    }
  }

  /** Demo mode (no hub configured) generates the secrets it needs; a real hub needs them set. */
  private static Auth auth(ConfigReader r, boolean demo) {
    String jwtSecret = r.optional("AUTH_JWT_SECRET");
    String publicKey = r.optional("AUTH_JWT_PUBLIC_KEY");
    if (!demo && jwtSecret == null && publicKey == null) {
      throw new ConfigException("AUTH_JWT_SECRET is required when GATEWAY_WS_URL or DISCORD_BOT_TOKEN is set "
          + "(or AUTH_JWT_PUBLIC_KEY for RS256/ES256)");
    }
    if (jwtSecret != null && jwtSecret.length() < 32) {
      throw new ConfigException("AUTH_JWT_SECRET must be at least 32 characters long, got " + jwtSecret.length());
    }
    // Derived from which key is given, not a default: HS256 needs the secret, the others a public key.
    String algorithm = Objects.requireNonNullElse(r.optional("AUTH_JWT_ALGORITHM"), publicKey != null ? "RS256" : "HS256");
    if (!Set.of("HS256", "RS256", "ES256").contains(algorithm)) {
      throw new ConfigException("AUTH_JWT_ALGORITHM must be HS256, RS256 or ES256, got \"" + ConfigReader.shown(algorithm) + "\"");
    }
    if (!"HS256".equals(algorithm) && publicKey == null) {
      throw new ConfigException("AUTH_JWT_PUBLIC_KEY is required when AUTH_JWT_ALGORITHM is " + algorithm);
    }
    boolean generated = demo && jwtSecret == null && publicKey == null;
    if (generated) {
      jwtSecret = randomSecret();
    }
    long maxTtl = r.optional("AUTH_MAX_TOKEN_TTL_MS") == null ? 0 : r.number("AUTH_MAX_TOKEN_TTL_MS", 1_000, 10L * 365 * 86_400_000L);
    return new Auth(jwtSecret, publicKey, algorithm, r.bool("AUTH_ALLOW_QUERY_TOKEN"), demo, maxTtl, generated);
  }

  private static Http http(ConfigReader r) {
    List<String> origins = r.list("ALLOWED_ORIGINS");
    for (String o : origins) {
      if (!o.matches("https?://[^/\\s]+")) {
        throw new ConfigException("ALLOWED_ORIGINS must be a comma list of origins like https://app.example.com, got \""
            + ConfigReader.shown(o) + "\"");
      }
    }
    return new Http(r.string("HTTP_HOST"), r.integer("HTTP_PORT", 0, 65535),
        r.integer("HTTP_BODY_LIMIT_BYTES", 256, 1_048_576), origins,
        r.number("HTTP_HEADER_TIMEOUT_MS", 100, 600_000), r.number("HTTP_IDLE_TIMEOUT_MS", 1_000, 86_400_000),
        maxConnections(r), r.number("HTTP_BODY_TIMEOUT_MS", 100, 600_000));
  }

  private static Link link(ConfigReader r, URI gateway, String linkToken) {
    long backoffBase = r.number("LINK_BACKOFF_BASE_MS", 10, 60_000);
    long backoffMax = r.number("LINK_BACKOFF_MAX_MS", 10, 600_000);
    if (backoffMax < backoffBase) {
      throw new ConfigException("LINK_BACKOFF_MAX_MS must be at least LINK_BACKOFF_BASE_MS (" + backoffBase + "), got " + backoffMax);
    }
    return new Link(gateway, linkToken, backoffBase, backoffMax, r.number("LINK_HELLO_TIMEOUT_MS", 100, 120_000),
        Set.copyOf(r.list("FORWARD_UNKNOWN_EVENTS")), r.integer("LINK_DEDUPE_WINDOW", 100, 10_000_000),
        r.integer("LINK_MAX_FRAME_BYTES", 65_536, 268_435_456), r.integer("LINK_MAX_FAILED_RESUMES", 1, 100));
  }

  private static Command command(ConfigReader r) {
    return new Command(r.integer("COMMAND_QUEUE_CAPACITY", 1, 10_000_000),
        r.number("COMMAND_ACK_WAIT_MS", 0, 60_000), r.integer("COMMAND_MAX_ATTEMPTS", 1, 100),
        r.number("COMMAND_BACKOFF_BASE_MS", 1, 60_000), r.number("COMMAND_BACKOFF_MAX_MS", 1, 600_000),
        r.number("IDEMPOTENCY_TTL_MS", 1_000, 7 * 86_400_000L), r.number("COMMAND_ATTEMPT_TIMEOUT_MS", 50, 120_000),
        r.path("COMMAND_JOURNAL_DIR"), r.number("COMMAND_MAX_AGE_MS", 1_000, 7 * 86_400_000L),
        r.number("SHUTDOWN_GRACE_MS", 0, 600_000), r.integer("COMMAND_MAX_IN_FLIGHT", 1, 10_000));
  }

  private static Cluster cluster(ConfigReader r) {
    List<String> members = r.list("CLUSTER_MEMBERS");
    if (members.isEmpty()) {
      throw new ConfigException("CLUSTER_MEMBERS must list at least one member address");
    }
    return new Cluster(r.bool("CLUSTER_ENABLED"), r.string("CLUSTER_NAME"), clusterHost(r.string("CLUSTER_HOST")),
        r.integer("CLUSTER_PORT", 0, 65535), members, r.number("CLUSTER_MEMBER_TIMEOUT_SECONDS", 2, 600),
        r.integer("CLUSTER_QUORUM", 1, 100), r.number("CLUSTER_LEASE_MS", 500, 120_000),
        r.optional("CLUSTER_KUBERNETES_SERVICE_DNS"));
  }

  /**
   * CLUSTER_HOST as an IP address: Hazelcast binds and advertises addresses, not names. A host name
   * (a container's own, in compose) is resolved once, here.
   */
  private static String clusterHost(String host) {
    try {
      return java.net.InetAddress.getByName(host).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw new ConfigException("CLUSTER_HOST must be an IP address or a host name that resolves here, got \""
          + ConfigReader.shown(host) + "\"");
    }
  }

  /**
   * Instances per role: {@code verticles.<role>.instances} in conf/, overridden by
   * {@code VERTICLES_<ROLE>_INSTANCES}; {@code auto} is one per processor.
   */
  private static Map<Role, Integer> instances(JsonObject raw) {
    Map<Role, Integer> instances = new EnumMap<>(Role.class);
    JsonObject verticles = raw.getJsonObject("verticles", new JsonObject());
    for (Role role : Role.values()) {
      String key = role.instancesVariable();
      Object fromConf = verticles.getJsonObject(role.id(), new JsonObject()).getValue("instances");
      var reader = new ConfigReader(new JsonObject().put(key, raw.getValue(key, fromConf)));
      int processors = Math.max(1, Runtime.getRuntime().availableProcessors());
      instances.put(role, "auto".equalsIgnoreCase(reader.string(key)) ? Math.min(processors, role.maxInstances())
          : reader.integer(key, 1, role.maxInstances()));
    }
    return Collections.unmodifiableMap(instances);
  }

  /**
   * {@code auto} (conf/'s default): 90% of the process's file-descriptor limit, leaving at least 256
   * descriptors for the upstream link, the cluster, the journal and logs; or a number.
   */
  private static int maxConnections(ConfigReader r) {
    String s = r.string("HTTP_MAX_CONNECTIONS");
    if (!"auto".equalsIgnoreCase(s)) {
      if (!s.matches("\\d{1,9}")) {
        throw new ConfigException("HTTP_MAX_CONNECTIONS must be \"auto\" or a whole number from 1 to 10000000, got \""
            + ConfigReader.shown(s) + "\"");
      }
      return r.integer("HTTP_MAX_CONNECTIONS", 1, 10_000_000);
    }
    long limit = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount() : -1;
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
