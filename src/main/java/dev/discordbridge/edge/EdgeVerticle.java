package dev.discordbridge.edge;

import dev.discordbridge.auth.Authenticator;
import dev.discordbridge.auth.OriginPolicy;
import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.CommandStatus;
import dev.discordbridge.bus.LinkStatus;
import dev.discordbridge.bus.ReplayFetch;
import dev.discordbridge.bus.ReplaySnapshot;
import dev.discordbridge.bus.StreamEviction;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.edge.sse.ChannelViews;
import dev.discordbridge.edge.sse.Fanout;
import dev.discordbridge.edge.sse.ReplayWindow;
import dev.discordbridge.edge.sse.SseMetrics;
import dev.discordbridge.edge.sse.UserStreams;
import dev.discordbridge.ops.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public HTTP port (N instances share it; Vert.x spreads connections over them). Each
 * instance owns one {@link Fanout} fed by one consumer of {@code bridge.events}; everything that
 * is not an edge concern is relayed onto the bus.
 */
public final class EdgeVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(EdgeVerticle.class);

  /**
   * What the instances share: the bound port (one server port for all), its connection guard, and
   * the node-wide state of the edge (each user's streams, failed link tokens per client address).
   */
  public static final class PortHolder {
    private volatile int port;
    private ConnectionGuard guard;
    private UserStreams users;
    private FailureThrottle ingestFailures;
    private dev.discordbridge.ops.SummaryLog ingestRefusals;
    public int port() { return port; }
    void set(int p) { port = p; }

    synchronized void stopGuard() {
      if (guard != null) {
        guard.stop();
      }
    }

    synchronized ConnectionGuard guard(BridgeConfig.Http http) {
      if (guard == null) {
        guard = new ConnectionGuard(http.maxConnections(), http.headerTimeoutMs(), Metrics.registry());
      }
      return guard;
    }

    synchronized UserStreams users(BridgeConfig.Stream stream) {
      if (users == null) {
        users = new UserStreams(stream.maxStreamsPerUser());
      }
      return users;
    }

    synchronized IngestRoutes ingest(io.vertx.core.Vertx vertx, BridgeConfig config) {
      if (ingestFailures == null) {
        ingestFailures = new FailureThrottle();
        ingestRefusals = IngestRoutes.refusalLog();
      }
      return new IngestRoutes(vertx, config.http().bodyLimitBytes(), config.link().linkToken(), ingestFailures,
          ingestRefusals);
    }
  }

  private final BridgeConfig config;
  private final PortHolder portHolder;
  private final String instanceId = Ids.newTraceId();
  private Fanout fanout;
  private OpsRoutes ops;
  private SignInRoutes signIn;
  /** The routes this instance serves (read by the test that holds docs/openapi.yaml to them). */
  private Router router;
  /** Direct mode with DISCORD_PERMISSIONS=discord: what each caller may view; null otherwise. */
  private ChannelViews views;

  public EdgeVerticle(BridgeConfig config, PortHolder portHolder) {
    this.config = config;
    this.portHolder = portHolder;
  }

  @Override
  public Future<?> start() {
    var authenticator = new Authenticator(vertx, config.auth());
    var origins = new OriginPolicy(config.http().allowedOrigins());
    views = config.direct() && config.discord().discordPermissions() ? new ChannelViews(vertx) : null;
    var bus = vertx.eventBus();
    var local = new DeliveryOptions().setLocalOnly(true);
    fanout = new Fanout(vertx, context, config.stream(), SseMetrics.of(Metrics.registry()),
        portHolder.users(config.stream()), eviction -> bus.publish(Addresses.STREAM_EVICT, eviction, local));
    MessageConsumer<StreamEvent> events = bus.consumer(Addresses.EVENTS,
        m -> fanout.onEvent(m.body(), m.headers().contains(Addresses.REPAIR_HEADER)));
    MessageConsumer<CommandStatus> statuses = bus.consumer(Addresses.COMMAND_STATUS, m -> fanout.onCommandStatus(m.body()));
    ops = new OpsRoutes(vertx, config);
    MessageConsumer<ReplayFetch> peers = bus.localConsumer(Addresses.REPLAY_FETCH,
        m -> m.reply(instanceId.equals(m.body().from()) ? ReplaySnapshot.NONE : fanout.peerSnapshot()));
    MessageConsumer<StreamEviction> evictions = bus.localConsumer(Addresses.STREAM_EVICT, m -> fanout.evict(m.body()));
    var legacy = new LegacySocketEdge(vertx, config, authenticator, origins);
    if (views != null) {
      legacy.viewsBy(views);
    }
    Router router = router(authenticator, origins);
    Future<Void> following = views == null ? Future.succeededFuture()
        : views.follow(fanout, Math.max(1_000, config.discord().memberTtlMs() / 2));
    return Future.all(List.of(events.completion(), statuses.completion(), ops.start(this::onLinkStatus), peers.completion(),
            evictions.completion(), following))
        .compose(v -> legacy.mount(router))
        .compose(v -> bootstrapFromPeer(3))
        .compose(v -> {
          fanout.start();
          ops.queryLinkStatus(this::onLinkStatus);
          HttpServerOptions options = PublicServerOptions.of(config);
          ConnectionGuard guard = portHolder.guard(config.http());
          return vertx.createHttpServer(options)
              .connectionHandler(connection -> guard.accept(connection, options))
              .invalidRequestHandler(request -> invalidRequest(request, guard))
              .requestHandler(router)
              .listen(config.http().port(), config.http().host());
        })
        .onSuccess((HttpServer s) -> portHolder.set(s.actualPort()));
  }

  /**
   * 400 with Connection: close for ambiguous framing or Host headers (EdgeDecoder); Vert.x's own
   * answer otherwise. Counted and summarised in the log, never a line per request.
   */
  private static void invalidRequest(HttpServerRequest request, ConnectionGuard guard) {
    Throwable cause = request.decoderResult().cause();
    String traceId = Ids.newTraceId();
    if (!(cause instanceof EdgeDecoder.FramingRefused refused)) {
      guard.refused("invalid", traceId);
      HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(request);
      return;
    }
    guard.refused(refused.kind, traceId);
    request.response().setStatusCode(400)
        .putHeader(HttpErrors.TRACE_HEADER, traceId)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        .end(HttpErrors.body(HttpErrors.error("BAD_REQUEST", cause.getMessage())).encode())
        .onComplete(v -> request.connection().close());
  }

  Router router() {
    return router;
  }

  /** How long stop() waits for the final frames of streams whose clients do not read. */
  private static final long END_STREAMS_BOUND_MS = 2_000;

  /** Ends every stream cleanly (a final {@code shutdown} event and the chunked terminator) before the server closes. */
  @Override
  public Future<?> stop() {
    portHolder.stopGuard();
    if (signIn != null) {
      signIn.close();
    }
    if (fanout == null) {
      return Future.succeededFuture();
    }
    int open = fanout.connections();
    long started = System.currentTimeMillis();
    return fanout.endAll(END_STREAMS_BOUND_MS).onComplete(ar -> {
      if (open > 0) {
        log.info("ended {} stream(s) in {} ms", open, System.currentTimeMillis() - started);
      }
    });
  }

  private Router router(Authenticator authenticator, OriginPolicy origins) {
    Router router = Router.router(vertx);
    router.route().handler(EdgeVerticle::traceId);
    router.route().handler(ctx -> {
      BodyReader.deadline(ctx, config.http().bodyTimeoutMs());
      if (!BodyReader.refusesExpectation(ctx)) {
        ctx.next();
      }
    });
    router.route().handler(ctx -> {
      ctx.addHeadersEndHandler(v -> {
        ConnectionGuard.answering(ctx.request().connection());
        String type = ctx.response().headers().get(HttpHeaders.CONTENT_TYPE);
        if (type != null && type.startsWith("text/event-stream")) {
          ConnectionGuard.exemptFromIdleTimeout(ctx.request().connection());
        }
      });
      ctx.next();
    });
    cors(router, origins);
    var streams = new StreamRoutes(context, authenticator, fanout, views);
    router.get("/api/stream").handler(streams::stream);
    router.get("/api/guilds/:guildId/voice").handler(streams::voice);
    router.get("/api/me").handler(streams::me);
    var relay = new CommandRoutes(vertx, authenticator, origins, config.http().bodyLimitBytes(),
        config.command().budget());
    router.post("/api/commands/:name").handler(relay::command);
    signIn = new SignInRoutes(vertx, config, authenticator, origins);
    signIn.mount(router);
    if (config.auth().demo()) {
      new DemoRoutes(vertx, authenticator).mount(router);
    }
    if (config.listeners().adminPort() == null) {
      ops.mount(router, portHolder.ingest(vertx, config));
    } else {
      OpsRoutes.refuse(router);
    }
    String openApi = OpenApiDocument.served();
    router.get("/api/openapi.json").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .end(openApi));
    this.router = router;
    router.route("/*").handler(EdgeVerticle::pageCaching);
    router.route("/*").handler(StaticHandler.create("webroot"));
    router.errorHandler(404, ctx -> HttpErrors.write(ctx, 404, "NOT_FOUND", "no such resource"));
    router.errorHandler(403, ctx -> HttpErrors.write(ctx, 403, "FORBIDDEN", "forbidden"));
    router.errorHandler(405, ctx -> HttpErrors.write(ctx, 405, "METHOD_NOT_ALLOWED", "method not allowed here"));
    router.errorHandler(500, ctx -> {
      log.error("unhandled failure on {} {} (trace {}): {}", ctx.request().method(), ctx.request().path(),
          HttpErrors.traceId(ctx), String.valueOf(ctx.failure()));
      HttpErrors.write(ctx, 500, "INTERNAL", "internal error");
    });
    return router;
  }

  /**
   * CORS headers only for the allow-list, with credentials, never "*". Other origins pass through
   * untouched (no CORS headers: the browser keeps their pages from reading answers), so that
   * same-origin requests and non-browser clients are judged by the routes themselves.
   */
  private void cors(Router router, OriginPolicy origins) {
    if (config.http().allowedOrigins().isEmpty()) {
      return;
    }
    CorsHandler cors = CorsHandler.create()
        .addOrigins(config.http().allowedOrigins())
        .allowCredentials(true)
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
        .allowedHeaders(Set.of("Authorization", "Content-Type", "Idempotency-Key", "traceparent", "Last-Event-ID"))
        .exposedHeaders(Set.of(HttpErrors.TRACE_HEADER, "Retry-After"));
    router.route().handler(ctx -> {
      // Answers differ by Origin (CORS headers or none): caches must keep them apart.
      ctx.response().headers().add(HttpHeaders.VARY, "Origin");
      if (origins.allowed(ctx.request().getHeader(HttpHeaders.ORIGIN))) {
        cors.handle(ctx);
      } else {
        ctx.next();
      }
    });
  }

  /** A file name that carries a hash of its content, e.g. {@code app.3f9a1c2e.js}: only such a file can never change. */
  private static final Pattern CONTENT_HASHED = Pattern.compile(".*\\.[0-9a-f]{8,}\\.[a-z0-9]+$");

  /**
   * Cache headers of the page's files, set before the StaticHandler (which only adds its own
   * "public, immutable, max-age=86400" when none is there). The page and its unhashed files must be
   * revalidated on every use, so that a deploy reaches users at once: {@code no-cache} with the
   * StaticHandler's {@code Last-Modified}, answered 304 while unchanged. Only content-hashed files
   * are immutable (there are none today).
   */
  private static void pageCaching(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, CONTENT_HASHED.matcher(ctx.normalizedPath()).matches()
        ? "public, max-age=31536000, immutable" : "no-cache");
    ctx.next();
  }

  /** Every response carries X-Trace-Id: the caller's W3C trace id when valid, else a new one. */
  static void traceId(RoutingContext ctx) {
    String traceId = Ids.traceIdFromTraceparent(ctx.request().getHeader("traceparent"));
    if (traceId == null) {
      traceId = Ids.newTraceId();
    }
    ctx.put(HttpErrors.TRACE_ID, traceId);
    ctx.response().putHeader(HttpErrors.TRACE_HEADER, traceId);
    ctx.next();
  }

  private void onLinkStatus(LinkStatus status) {
    fanout.onLinkStatus(status, config.node().id());
  }

  /**
   * A late-starting instance asks a sibling instance of this node for its replay window and voice
   * state; it adopts them only when the union is provably gap-free (see ReplayWindow#adopt).
   */
  private Future<Void> bootstrapFromPeer(int attempts) {
    if (attempts == 0) {
      return Future.succeededFuture();
    }
    return vertx.eventBus().<ReplaySnapshot>request(Addresses.REPLAY_FETCH, new ReplayFetch(instanceId),
            new DeliveryOptions().setSendTimeout(1_000).setLocalOnly(true))
        .map(m -> fanout.adoptPeer(m.body()))
        .otherwise(false)
        .compose(adopted -> adopted || fanout.window.head() >= 0 ? Future.<Void>succeededFuture() : bootstrapFromPeer(attempts - 1));
  }
}
