package dev.discordbridge.edge;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.ClusterStatus;
import dev.discordbridge.bus.LinkStatus;
import dev.discordbridge.bus.NodeShutdown;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.ops.LinkReadiness;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.List;
import java.util.function.Consumer;

/**
 * The operator's routes: {@code /metrics}, {@code /health/live}, {@code /health/ready} and the hub's
 * fallback {@code POST /internal/events}. Mounted on the public port, or, with ADMIN_PORT set, on
 * the admin port only ({@link AdminVerticle}); the public port then answers 404 for them
 * ({@link #refuse}). Readiness is fed by {@code bridge.link.status} and the node's shutdown.
 */
final class OpsRoutes {
  static final List<String> PATHS = List.of("/metrics", "/health/*", "/internal/events");

  private final Vertx vertx;
  private final BridgeConfig config;
  private final LinkReadiness readiness = new LinkReadiness();
  /** Set when the node's shutdown starts: not ready, so load balancers send new requests elsewhere. */
  private volatile boolean shuttingDown;

  OpsRoutes(Vertx vertx, BridgeConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /**
   * Listens to the link status (also passed to {@code alsoOnLinkStatus}) and to the node's shutdown,
   * then asks the holder for the current status once.
   */
  Future<Void> start(Consumer<LinkStatus> alsoOnLinkStatus) {
    var bus = vertx.eventBus();
    MessageConsumer<LinkStatus> link = bus.consumer(Addresses.LINK_STATUS, m -> {
      onLinkStatus(m.body());
      alsoOnLinkStatus.accept(m.body());
    });
    MessageConsumer<NodeShutdown> shutdown = bus.localConsumer(Addresses.NODE_SHUTDOWN, m -> shuttingDown = true);
    return Future.all(link.completion(), shutdown.completion()).mapEmpty();
  }

  /** Asks the link holder for its status once (at start, before the first periodic one arrives). */
  void queryLinkStatus(Consumer<LinkStatus> alsoOnLinkStatus) {
    vertx.eventBus().<LinkStatus>request(Addresses.LINK_STATUS_QUERY, null, new DeliveryOptions().setSendTimeout(2_000))
        .onSuccess(m -> {
          onLinkStatus(m.body());
          alsoOnLinkStatus.accept(m.body());
        });
  }

  private void onLinkStatus(LinkStatus status) {
    readiness.update(status, System.currentTimeMillis());
  }

  /** Mounts the routes; {@code ingest} is the node's (its failure throttle is shared by every instance of the port). */
  void mount(Router router, IngestRoutes ingest) {
    router.post("/internal/events").handler(ingest::ingest);
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    var live = HealthCheckHandler.createWithHealthChecks(
        HealthChecks.create(vertx).register("event-loop", p -> p.complete(Status.OK())));
    router.get("/health/live").handler(live);
    router.head("/health/live").handler(live); // load balancers probe with HEAD: the same answer, no body
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(
        HealthChecks.create(vertx).register("upstream-link", p -> p.complete(
            readiness.ready(System.currentTimeMillis()) ? Status.OK() : Status.KO(new JsonObject()
                .put("reason", readiness.reason(System.currentTimeMillis())))))
            .register("cluster", this::clusterCheck)
            .register("shutdown", p -> p.complete(shuttingDown
                ? Status.KO(new JsonObject().put("reason", "the node is shutting down")) : Status.OK()))));
  }

  /** With ADMIN_PORT set: the public port answers 404 for the operator's routes, whatever the method. */
  static void refuse(Router router) {
    for (String path : PATHS) {
      router.route(path).handler(ctx -> HttpErrors.write(ctx, 404, "NOT_FOUND", "no such resource"));
    }
  }

  /** In a cluster, ready only while this node is a member of a cluster of at least the quorum. */
  private void clusterCheck(Promise<Status> check) {
    ClusterStatus.query(vertx, 1_000)
        .onSuccess(status -> check.complete(!status.clustered() ? Status.OK(new JsonObject().put("clustered", false))
            : status.ok() ? Status.OK(status.toJson()) : Status.KO(status.toJson())))
        .onFailure(err -> check.complete(Status.KO(new JsonObject().put("reason", String.valueOf(err.getMessage())))));
  }
}
