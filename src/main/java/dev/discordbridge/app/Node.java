package dev.discordbridge.app;

import ch.qos.logback.classic.LoggerContext;
import dev.discordbridge.cluster.ClusterSetup;
import dev.discordbridge.cluster.HazelcastLinkLease;
import dev.discordbridge.cluster.LinkLease;
import dev.discordbridge.cluster.LocalLinkLease;
import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusCodecs;
import dev.discordbridge.bus.CommandDrain;
import dev.discordbridge.command.CommandDispatcherVerticle;
import dev.discordbridge.command.CommandJournal;
import dev.discordbridge.command.CommandQueueVerticle;
import dev.discordbridge.command.FileCommandJournal;
import dev.discordbridge.command.HazelcastCommandJournal;
import dev.discordbridge.command.HazelcastIdempotencyStore;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamEventCodec;
import dev.discordbridge.gateway.GatewayVerticle;
import dev.discordbridge.legacy.LegacyBridgeVerticle;
import dev.discordbridge.ops.JsonLimits;
import dev.discordbridge.ops.Metrics;
import dev.discordbridge.ratelimit.BucketStoreVerticle;
import dev.discordbridge.ratelimit.HazelcastBucketStore;
import dev.discordbridge.ratelimit.RateLimiterVerticle;
import dev.discordbridge.sim.SimulatedHub;
import dev.discordbridge.stream.SseRouterVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running bridge node: the composition root. Builds Vert.x (clustered or not), registers
 * the bus codecs once, and deploys each role with its configured instance count. The only
 * class that knows every capability package.
 */
public final class Node {
  private static final Logger log = LoggerFactory.getLogger(Node.class);

  private final Vertx vertx;
  private final BridgeConfig config;
  private final int httpPort;
  private final SimulatedHub hub;
  private final String routerDeployment;
  private boolean shutDown;

  private Node(Vertx vertx, BridgeConfig config, int httpPort, SimulatedHub hub, String routerDeployment) {
    this.vertx = vertx;
    this.config = config;
    this.httpPort = httpPort;
    this.hub = hub;
    this.routerDeployment = routerDeployment;
  }

  /** The embedded simulated hub, in demo mode (tests drive it); null when a real hub is configured. */
  public SimulatedHub simulatedHub() { return hub; }

  public Vertx vertx() { return vertx; }

  public BridgeConfig config() { return config; }

  /** The HTTP port actually bound (differs from the configured one when that was 0). */
  public int httpPort() { return httpPort; }

  /**
   * Reads the configuration (with a short-lived Vert.x, since clustering is itself configured)
   * and starts the node. Call it from a plain thread (main, a test), not from an event loop.
   */
  public static Future<Node> start(Map<String, String> environment, JsonObject overrides) {
    Vertx boot = Vertx.vertx();
    BridgeConfig config;
    try {
      config = ConfigLoader.load(boot, environment, overrides).await();
    } catch (Exception e) {
      return Future.failedFuture(e);
    } finally {
      boot.close().await();
    }
    return start(config);
  }

  public static Future<Node> start(BridgeConfig requested) {
    JsonLimits.apply();
    // Several router instances share one port; a requested port 0 is resolved once, here.
    BridgeConfig config = requested.http().port() == 0 ? requested.withHttpPort(freePort(requested.http().host())) : requested;
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.putProperty("node", config.node().id());
    }
    HazelcastClusterManager cluster = config.cluster().enabled() ? ClusterSetup.clusterManager(config) : null;
    return buildVertx(config, cluster).compose(vertx -> {
      LinkLease lease = cluster == null ? new LocalLinkLease()
          : new HazelcastLinkLease(vertx, cluster.getHazelcastInstance(), config.cluster().leaseMs());
      return deploy(vertx, config, cluster, lease)
          .recover(err -> vertx.close().transform(ignored -> Future.failedFuture(err)));
    });
  }

  private static int freePort(String host) {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
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
    vertx.eventBus().publish(Addresses.NODE_SHUTDOWN, new JsonObject(), new DeliveryOptions().setLocalOnly(true));
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
    if (!config.cluster().enabled()) {
      return Future.succeededFuture(Vertx.builder().with(options).withMetrics(metrics).build());
    }
    options.setEventBusOptions(new EventBusOptions().setHost(config.cluster().host()).setPort(0)
        .setClusterPublicHost(config.cluster().host()));
    return Vertx.builder().with(options).withMetrics(metrics)
        .withClusterManager(cluster)
        .buildClustered();
  }

  private static Future<Node> deploy(Vertx vertx, BridgeConfig initial, HazelcastClusterManager cluster, LinkLease lease) {
    vertx.eventBus().registerDefaultCodec(StreamEvent.class, new StreamEventCodec());
    BusCodecs.register(vertx.eventBus());
    if (cluster != null) {
      vertx.eventBus().<JsonObject>localConsumer(Addresses.CLUSTER_STATUS_QUERY, m -> m.reply(clusterStatus(cluster, initial)));
    }
    SimulatedHub hub = initial.auth().demo()
        ? new SimulatedHub(initial.link().linkToken(), initial.sim().eventsPerSecond()) : null;
    return upstream(vertx, initial, hub).compose(config -> {
      // Rate-limit buckets and idempotency keys are cluster-wide when clustered, node-wide otherwise.
      // Node-local buckets and the command queue each have one owner (a single instance); the role's instances reach it over the bus.
      Future<String> rateLimiter = (cluster == null ? deploy(vertx, config, "bucket-store", BucketStoreVerticle::new)
          : Future.succeededFuture("")).compose(id -> deploy(vertx, config, "rate-limiter", () -> new RateLimiterVerticle(config,
          cluster == null ? null : new HazelcastBucketStore(cluster.getHazelcastInstance()))));
      Future<String> dispatcher = deploy(vertx, config, "command-queue", () -> new CommandQueueVerticle(config,
          cluster == null ? null : new HazelcastIdempotencyStore(cluster.getHazelcastInstance()), CommandQueueVerticle.defaultBreaker(),
          journal(vertx, config, cluster, hub)))
          .compose(id -> deploy(vertx, config, "command-dispatcher", () -> new CommandDispatcherVerticle(config)));
      Future<String> gateway = deploy(vertx, config, "gateway", () -> new GatewayVerticle(config, lease));
      Future<String> legacy = config.legacy().enabled()
          ? deploy(vertx, config, "legacy-bridge", () -> new LegacyBridgeVerticle(config))
          : Future.succeededFuture("legacy-bridge disabled");
      var router = new SseRouterVerticle.PortHolder();
      return Future.all(rateLimiter, dispatcher, gateway, legacy)
          .compose(v -> deploy(vertx, config, "sse-router", () -> new SseRouterVerticle(config, router)))
          .map(routerDeployment -> {
            log.info("bridge node {} listening on port {} (cluster: {}, roles: {}, legacy socket: {})",
                config.node().id(), router.port(), config.cluster().enabled(), config.instances(),
                config.legacy().enabled());
            return new Node(vertx, config, router.port(), hub, routerDeployment);
          });
    });
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

  /** Membership as this node sees it: ready only while it is in a cluster of at least the quorum. */
  private static JsonObject clusterStatus(HazelcastClusterManager cluster, BridgeConfig config) {
    int members = cluster.isActive() ? cluster.getNodes().size() : 0;
    return new JsonObject()
        .put("clustered", true)
        .put("members", members)
        .put("quorum", config.cluster().quorum())
        .put("ok", cluster.isActive() && members >= config.cluster().quorum());
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

  private static Future<String> deploy(Vertx vertx, BridgeConfig config, String role,
                                       java.util.function.Supplier<io.vertx.core.Deployable> verticle) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setInstances(config.instances(role)))
        .recover(err -> Future.failedFuture(new IllegalStateException(role + " failed to start: " + err.getMessage(), err)));
  }
}
