package dev.discordbridge.app;

import ch.qos.logback.classic.LoggerContext;
import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusCodecs;
import dev.discordbridge.bus.ClusterStatus;
import dev.discordbridge.bus.CommandDrain;
import dev.discordbridge.bus.NodeShutdown;
import dev.discordbridge.cluster.ClusterSetup;
import dev.discordbridge.cluster.HazelcastLinkLease;
import dev.discordbridge.cluster.LinkLease;
import dev.discordbridge.cluster.LocalLinkLease;
import dev.discordbridge.command.CommandDispatcherVerticle;
import dev.discordbridge.command.CommandJournal;
import dev.discordbridge.command.FileCommandJournal;
import dev.discordbridge.command.HazelcastCommandJournal;
import dev.discordbridge.command.HazelcastIdempotencyStore;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.config.Role;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamEventCodec;
import dev.discordbridge.discord.shard.DiscordShardsVerticle;
import dev.discordbridge.edge.AdminVerticle;
import dev.discordbridge.edge.EdgeVerticle;
import dev.discordbridge.legacy.LegacyBridgeVerticle;
import dev.discordbridge.legacy.LegacyPresenceVerticle;
import dev.discordbridge.link.LinkVerticle;
import dev.discordbridge.ops.JsonLimits;
import dev.discordbridge.ops.Metrics;
import dev.discordbridge.ratelimit.HazelcastBucketStore;
import dev.discordbridge.ratelimit.RateLimiter;
import dev.discordbridge.ratelimit.RateLimiterVerticle;
import dev.discordbridge.sim.SharedHubLog;
import dev.discordbridge.sim.SimulatedHub;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.transport.Transport;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running bridge node: the composition root. Builds Vert.x (clustered or not), registers
 * the bus codecs once, and deploys each role with its configured instance count. The only
 * class that knows every capability package.
 */
public final class Node {
  /** How often the cluster member's safety (partitions re-replicated) is checked. */
  private static final long SAFETY_CHECK_MS = 1_000;

  private static final Logger log = LoggerFactory.getLogger(Node.class);

  private final Vertx vertx;
  private final BridgeConfig config;
  private final SimulatedHub hub;
  private final String routerDeployment;
  private boolean shutDown;

  private Node(Vertx vertx, BridgeConfig config, SimulatedHub hub, String routerDeployment) {
    this.vertx = vertx;
    this.config = config;
    this.hub = hub;
    this.routerDeployment = routerDeployment;
  }

  /** The embedded simulated hub, in demo mode (tests drive it); null when a real hub is configured. */
  public SimulatedHub simulatedHub() { return hub; }

  public Vertx vertx() { return vertx; }

  public BridgeConfig config() { return config; }

  /** The HTTP port bound: a requested port 0 was resolved to a free one before the routers started. */
  public int httpPort() { return config.http().port(); }

  /** The admin port bound (ADMIN_PORT), or null when the operator routes are on the public port. */
  public Integer adminPort() { return config.listeners().adminPort(); }

  /**
   * Reads the configuration (with a short-lived Vert.x, since clustering is itself configured)
   * and starts the node. Call it from a plain thread (main, a test), not from an event loop.
   */
  public static Future<Node> start(Map<String, String> environment, JsonObject overrides) {
    return start(environment, overrides, SimulatedHub::new);
  }

  /** As {@link #start(Map, JsonObject)}, with the demo mode's hub made by {@code hubs} (link token, events per second). */
  public static Future<Node> start(Map<String, String> environment, JsonObject overrides,
                                   BiFunction<String, Double, SimulatedHub> hubs) {
    Vertx boot = Vertx.vertx();
    BridgeConfig config;
    try {
      config = ConfigLoader.load(boot, environment, overrides).await();
    } catch (Exception e) {
      return Future.failedFuture(e);
    } finally {
      boot.close().await();
    }
    return start(config, hubs);
  }

  public static Future<Node> start(BridgeConfig requested) {
    return start(requested, SimulatedHub::new);
  }

  /** Tries of a start whose port 0 was resolved to a port another process took before it was bound. */
  private static final int PORT_RACE_TRIES = 3;

  private static Future<Node> start(BridgeConfig requested, BiFunction<String, Double, SimulatedHub> hubs) {
    return start(requested, hubs, Node::freePort, PORT_RACE_TRIES);
  }

  /** A start whose port 0 is resolved by {@code freePorts} (tests hand it a port that is taken). */
  static Future<Node> start(BridgeConfig requested, java.util.function.ToIntFunction<String> freePorts) {
    return start(requested, SimulatedHub::new, freePorts, PORT_RACE_TRIES);
  }

  private static Future<Node> start(BridgeConfig requested, BiFunction<String, Double, SimulatedHub> hubs,
      java.util.function.ToIntFunction<String> freePorts, int tries) {
    boolean anyPort = requested.http().port() == 0 || Integer.valueOf(0).equals(requested.listeners().adminPort());
    return startOnce(requested, hubs, freePorts).recover(err -> anyPort && tries > 1 && portTaken(err)
        ? start(requested, hubs, freePorts, tries - 1) : Future.failedFuture(err));
  }

  private static boolean portTaken(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      // NIO throws BindException; the native transports an IOException with the same words
      if (t instanceof java.net.BindException || String.valueOf(t.getMessage()).contains("Address already in use")) {
        return true;
      }
    }
    return false;
  }

  private static Future<Node> startOnce(BridgeConfig requested, BiFunction<String, Double, SimulatedHub> hubs,
      java.util.function.ToIntFunction<String> freePorts) {
    JsonLimits.apply();
    // Several router instances share one port; a requested port 0 is resolved once, here.
    BridgeConfig config = requested.http().port() == 0 ? requested.withHttpPort(freePorts.applyAsInt(requested.http().host())) : requested;
    Integer admin = config.listeners().adminPort();
    if (admin != null && admin == 0) {
      config = config.withListeners(config.listeners().withAdminPort(freePorts.applyAsInt(config.http().host())));
    }
    BridgeConfig chosen = config;
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.putProperty("node", chosen.node().id());
    }
    HazelcastClusterManager cluster = chosen.cluster().enabled() ? ClusterSetup.clusterManager(chosen) : null;
    return buildVertx(chosen, cluster).compose(vertx -> {
      LinkLease lease = cluster == null ? new LocalLinkLease()
          : new HazelcastLinkLease(vertx, cluster.getHazelcastInstance(), chosen.cluster().leaseMs());
      return DemoCluster.agree(vertx, chosen, cluster != null)
          .compose(agreed -> deploy(vertx, agreed, cluster, lease, hubs))
          .recover(err -> vertx.close().transform(ignored -> Future.failedFuture(err)));
    });
  }

  private static int freePort(String host) {
    try (var socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on " + host, e);
    }
  }

  public Future<Void> stop() {
    return vertx.close();
  }

  /** Bounds of the shutdown steps after the drain: the streams' end, then Vert.x's close. */
  static final long END_STREAMS_MS = 5_000;
  static final long CLOSE_MS = 5_000;

  /**
   * The orderly stop (SIGTERM): new commands get 503 SHUTTING_DOWN; the command queue drains for
   * up to {@code SHUTDOWN_GRACE_MS}; what is left is logged with where it is kept; every SSE
   * stream ends cleanly; Vert.x closes. One log line when it starts, one when it ends. Each step
   * is bounded (the whole at most SHUTDOWN_GRACE_MS + about 12 s); a step that fails or times out
   * is logged and the next one runs. Blocks: call it from a plain thread (the JVM's shutdown
   * hook, a test), never from an event loop, whose Vert.x this closes.
   */
  public synchronized void shutdown() {
    if (shutDown) {
      return;
    }
    shutDown = true;
    long started = System.currentTimeMillis();
    long grace = config.command().shutdownGraceMs();
    log.info("shutdown started: refusing new commands, draining the command queue for up to {} ms (SHUTDOWN_GRACE_MS)", grace);
    vertx.eventBus().publish(Addresses.NODE_SHUTDOWN, new NodeShutdown(config.node().id(), grace),
        new DeliveryOptions().setLocalOnly(true));
    try {
      var options = new DeliveryOptions().setLocalOnly(true).setSendTimeout(grace + 2_000);
      logDrain(vertx.eventBus().<CommandDrain.Report>request(Addresses.COMMAND_DRAIN, new CommandDrain(grace), options)
          .map(Message::body).await(grace + 3_000, TimeUnit.MILLISECONDS));
    } catch (Exception e) {
      log.error("shutdown: the command queue did not report its drain ({}); queued commands stay where the journal keeps them",
          e.toString());
    }
    try {
      vertx.undeploy(routerDeployment).await(END_STREAMS_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("shutdown: ending the streams did not complete: {}", e.toString());
    }
    try {
      vertx.close().await(CLOSE_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("shutdown: closing Vert.x did not complete: {}", e.toString());
    }
    log.info("shutdown complete in {} ms", System.currentTimeMillis() - started);
  }

  private static void logDrain(CommandDrain.Report report) {
    int remaining = report.remaining();
    if (remaining == 0) {
      log.info("shutdown: command queue drained in {} ms, no command left undelivered", report.waitedMs());
    } else {
      log.warn("shutdown: {} command(s) not delivered after {} ms (link {}, oldest accepted {} ms ago), kept in {}", remaining,
          report.waitedMs(), report.linkUsable() ? "usable" : "down", report.oldestAgeMs(), report.keptIn());
    }
  }

  private static Future<Vertx> buildVertx(BridgeConfig config, HazelcastClusterManager cluster) {
    var options = new VertxOptions().setMetricsOptions(Metrics.options());
    var metrics = Metrics.factory(config.node().id());
    var builder = Vertx.builder().with(options).withMetrics(metrics).withTransport(transport(config.node().transport()));
    if (!config.cluster().enabled()) {
      return Future.succeededFuture(builder.build());
    }
    options.setEventBusOptions(new EventBusOptions().setHost(config.cluster().host()).setPort(0)
        .setClusterPublicHost(config.cluster().host()));
    return builder.withClusterManager(cluster).buildClustered();
  }

  /** The transport NETWORK_TRANSPORT names, or NIO (with one WARN line) when a native one cannot load. */
  static Transport transport(String name) {
    Transport wanted = switch (name) {
      case "epoll", "auto" -> Transport.EPOLL;
      case "io_uring" -> Transport.IO_URING;
      default -> Transport.NIO;
    };
    if (wanted == Transport.NIO || wanted.available()) {
      log.info("network transport: {}", wanted.name().toLowerCase(Locale.ROOT));
      return wanted;
    }
    if ("auto".equals(name)) {
      log.info("network transport: nio (epoll unavailable: {})", String.valueOf(wanted.unavailabilityCause()));
    } else {
      log.warn("NETWORK_TRANSPORT={} is unavailable here ({}); using nio", name, String.valueOf(wanted.unavailabilityCause()));
    }
    return Transport.NIO;
  }

  private static Future<Node> deploy(Vertx vertx, BridgeConfig initial, HazelcastClusterManager cluster, LinkLease lease,
                                     BiFunction<String, Double, SimulatedHub> hubs) {
    vertx.eventBus().registerDefaultCodec(StreamEvent.class, new StreamEventCodec());
    BusCodecs.register(vertx.eventBus());
    if (cluster != null) {
      // Hazelcast's member-safety check asks the backups and waits for them: it runs on a worker once
      // a second, and the readiness answer (bounded by 1 s) reads its last result without waiting.
      AtomicBoolean safe = new AtomicBoolean();
      AtomicBoolean checking = new AtomicBoolean();
      vertx.setPeriodic(1, SAFETY_CHECK_MS, id -> {
        if (checking.compareAndSet(false, true)) { // one check at a time, however long one takes
          vertx.executeBlocking(() -> cluster.isActive()
                  && cluster.getHazelcastInstance().getPartitionService().isLocalMemberSafe(), false)
              .onComplete(ar -> {
                safe.set(ar.succeeded() && ar.result());
                checking.set(false);
              });
        }
      });
      vertx.eventBus().<Void>localConsumer(Addresses.CLUSTER_STATUS_QUERY, m -> m.reply(clusterStatus(cluster, initial, safe.get())));
    }
    SimulatedHub hub = initial.auth().demo()
        ? hubs.apply(initial.link().linkToken(), initial.sim().eventsPerSecond()) : null;
    if (hub != null && cluster != null) {
      // One simulated upstream for the whole demo cluster: the next link holder's hub takes the session over.
      hub.shareSessions(SharedHubLog.clusterWide(vertx));
    }
    return upstream(vertx, initial, hub).compose(config -> {
      // Rate-limit buckets and idempotency keys are cluster-wide when clustered, node-wide otherwise.
      // The node's one dispatcher owns its command state and calls the rate limiter in process
      // (docs/architecture.md, "The command path": two bus hops from the edge to the upstream).
      var rateLimits = cluster == null ? RateLimiter.local(config)
          : new RateLimiter(config, new HazelcastBucketStore(cluster.getHazelcastInstance()));
      Future<String> rateLimiter = deploy(vertx, config, Role.RATE_LIMITER, () -> new RateLimiterVerticle(rateLimits));
      Future<String> dispatcher = deploy(vertx, config, Role.COMMAND_DISPATCHER, () -> new CommandDispatcherVerticle(config,
          rateLimits, cluster == null ? null : new HazelcastIdempotencyStore(cluster.getHazelcastInstance()),
          CommandDispatcherVerticle.defaultBreaker(), journal(vertx, config, cluster, hub)));
      Future<String> gateway = deploy(vertx, config, Role.GATEWAY, () -> new LinkVerticle(config, lease, Upstreams.of(config)))
          .compose(id -> config.direct() ? deployOne(vertx, "discord-shards",
              () -> new DiscordShardsVerticle(config, DirectWiring.of(vertx, config, cluster))) : Future.succeededFuture(id));
      // The legacy bridge answers frames in every instance; its node-wide state has one owner.
      Future<String> legacy = config.legacy().enabled()
          ? deploy(vertx, config, Role.LEGACY_BRIDGE, LegacyBridgeVerticle::new)
              .compose(id -> vertx.deployVerticle(new LegacyPresenceVerticle()))
          : Future.succeededFuture("legacy-bridge disabled");
      var router = new EdgeVerticle.PortHolder();
      Integer adminPort = config.listeners().adminPort();
      Future<String> admin = adminPort == null ? Future.succeededFuture("no admin port")
          : deployOne(vertx, "admin port", () -> new AdminVerticle(config));
      return Future.all(rateLimiter, dispatcher, gateway, legacy, admin)
          .compose(v -> deploy(vertx, config, Role.SSE_ROUTER, () -> new EdgeVerticle(config, router)))
          .map(routerDeployment -> {
            log.info("bridge node {} listening on port {} ({}{}) (cluster: {}, roles: {}, legacy socket: {}): open {}",
                config.node().id(), router.port(), config.listeners().tls() ? "https, h2 and http/1.1" : "http/1.1",
                adminPort == null ? "" : "; /metrics, /health/*, /internal/events on admin port " + adminPort,
                config.cluster().enabled(), deployedRoles(config), config.legacy().enabled(), pageUrl(config, router.port()));
            return new Node(vertx, config, hub, routerDeployment);
          });
    });
  }

  /** The roles this node runs, with their instances (the legacy bridge only while its socket is on). */
  private static Map<Role, Integer> deployedRoles(BridgeConfig config) {
    Map<Role, Integer> roles = new java.util.EnumMap<>(config.instances());
    if (!config.legacy().enabled()) {
      roles.remove(Role.LEGACY_BRIDGE);
    }
    return roles;
  }

  /** The page's URL as a person on this machine opens it (a wildcard host becomes localhost). */
  private static String pageUrl(BridgeConfig config, int port) {
    String host = config.http().host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "localhost";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return (config.listeners().tls() ? "https" : "http") + "://" + host + ":" + port + "/";
  }

  /**
   * Where queued commands outlive the node: the cluster's map; on a node alone a file under
   * COMMAND_JOURNAL_DIR; none in demo mode (the simulated hub and its world die with the node).
   */
  private static CommandJournal journal(Vertx vertx, BridgeConfig config, HazelcastClusterManager cluster, SimulatedHub hub) {
    if (cluster != null) {
      return new HazelcastCommandJournal(vertx, cluster.getHazelcastInstance());
    }
    return hub != null ? null : new FileCommandJournal(vertx, config.command().journalDir());
  }

  /**
   * Membership as this node sees it: ready only while it is in a cluster of at least the quorum;
   * safe once Hazelcast has re-replicated this node's partitions (what a rolling restart waits for;
   * the last result of the periodic check).
   */
  private static ClusterStatus clusterStatus(HazelcastClusterManager cluster, BridgeConfig config, boolean safe) {
    boolean active = cluster.isActive();
    int members = active ? cluster.getNodes().size() : 0;
    int quorum = config.cluster().quorum();
    return new ClusterStatus(true, members, quorum, active && members >= quorum, active && safe);
  }

  /** With no GATEWAY_WS_URL, an embedded simulated hub runs on loopback and the link points at it. */
  private static Future<BridgeConfig> upstream(Vertx vertx, BridgeConfig config, SimulatedHub hub) {
    if (hub == null) {
      return Future.succeededFuture(config);
    }
    return vertx.deployVerticle(hub).map(id -> {
      URI url = URI.create("ws://127.0.0.1:" + hub.port() + SimulatedHub.PATH);
      log.info("no GATEWAY_WS_URL set: an embedded simulated hub runs at {} (demo mode)", url);
      return config.withGatewayUrl(url);
    });
  }

  private static Future<String> deploy(Vertx vertx, BridgeConfig config, Role role, Supplier<Deployable> verticle) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setInstances(config.instances(role)))
        .recover(err -> Future.failedFuture(new IllegalStateException(role + " failed to start: " + err.getMessage(), err)));
  }

  /** A single-instance owner of node-wide state (not a configurable role). */
  private static Future<String> deployOne(Vertx vertx, String what, Supplier<Deployable> verticle) {
    return vertx.deployVerticle(verticle.get())
        .recover(err -> Future.failedFuture(new IllegalStateException(what + " failed to start: " + err.getMessage(), err)));
  }
}
