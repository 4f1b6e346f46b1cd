package dev.discordbridge.link;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.BusFailure;
import dev.discordbridge.bus.IngestBatch;
import dev.discordbridge.bus.LinkStatus;
import dev.discordbridge.cluster.LeaseKeeper;
import dev.discordbridge.cluster.LinkLease;
import dev.discordbridge.cluster.LocalLinkLease;
import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.GatewayEvent;
import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.StreamIds;
import dev.discordbridge.contract.Times;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link holder: takes the {@link Upstream} under the lease ({@link #becomeHolder} /
 * {@link #standDown}; in single-node mode at start), gives every event it delivers a stream id
 * and publishes it, relays commands to it ({@code bridge.gateway.command}), takes fallback
 * ingestion ({@link Ingestion}), and publishes the {@link LinkStatus}.
 *
 * <p>A verticle that is not holder still follows {@link Addresses#EVENTS} so that, should it
 * become holder, its epoch is above every id already published and it can resume the last
 * holder's session. In a cluster a new holder first runs a {@link TermHandover}: the events some
 * surviving nodes got from the last holder and others did not are republished under their own
 * ids, and the session resumes after the last of them. All state lives on this verticle's
 * context: no locks.
 */
public final class LinkVerticle extends VerticleBase implements Upstream.Listener {
  private static final Logger log = LoggerFactory.getLogger(LinkVerticle.class);
  private static final long STATUS_PERIOD_MS = 1_000;

  private final BridgeConfig config;
  private final EventIdWindow seen;
  private final RecentEvents recent = new RecentEvents(TermHandover.RECENT_CAPACITY);
  private final long handoverWaitMs;
  private TermHandover handover;
  private final Sequencer sequencer = new Sequencer();
  private final LinkLease lease;
  private final Upstream.Factory upstreams;
  private LinkMetrics metrics;
  private Upstream upstream;
  private Ingestion ingestion;
  private LeaseKeeper keeper;

  private boolean holder;
  /** Holder, and the handover is over: what this node publishes from now on is its own term's. */
  private boolean live;
  /** Counts takes and releases of the link: a handover that outlived its term does nothing. */
  private long term;
  private LinkState state = LinkState.STANDBY;
  private long since = System.currentTimeMillis();
  /** The last thing this holder published was a reset: another one before any event adds nothing. */
  private boolean resetIsHead;
  private long lastResetAt;
  /** Resets closer than this to the previous one, with nothing published between, are one. */
  static final long RESET_COALESCE_MS = 1_000;
  private long statusTimer = -1;
  private MessageConsumer<GatewayCommand> commandConsumer;
  private MessageConsumer<IngestBatch> ingestConsumer;
  /** The upstream session of the last holder seen on the bus, and the highest link seq it published. */
  private String observedSession;
  private Long observedSeq;

  public LinkVerticle(BridgeConfig config, Upstream.Factory upstreams) {
    this(config, new LocalLinkLease(), upstreams);
  }

  /**
   * @param lease     who may hold the link: always this node alone, or a Hazelcast lease in a cluster
   * @param upstreams the upstream this node holds when it holds the link (the app chooses it)
   */
  public LinkVerticle(BridgeConfig config, LinkLease lease, Upstream.Factory upstreams) {
    this(config, lease, TermHandover.REPORT_WAIT_MS, upstreams);
  }

  /** @param handoverWaitMs how long a new holder waits for the other members' handover reports */
  LinkVerticle(BridgeConfig config, LinkLease lease, long handoverWaitMs, Upstream.Factory upstreams) {
    this.upstreams = upstreams;
    this.lease = lease;
    this.config = config;
    this.seen = new EventIdWindow(config.link().dedupeWindow());
    this.handoverWaitMs = handoverWaitMs;
  }

  @Override
  public Future<?> start() {
    if (config.link().gatewayUrl() == null && !config.direct()) {
      return Future.failedFuture(new IllegalStateException(
          "the gateway verticle needs GATEWAY_WS_URL (or the embedded hub) or DISCORD_BOT_TOKEN"));
    }
    metrics = new LinkMetrics(config.node().id(), () -> state, () -> upstream.status().pendingCommands());
    upstream = upstreams.create(vertx, seen, metrics, this);
    ingestion = new Ingestion(seen, config.link()::forwardsUnknown, metrics,
        (event, seq, receivedAt) -> publishEvent(event, seq, false, receivedAt));
    var events = vertx.eventBus().<StreamEvent>consumer(Addresses.EVENTS, m -> observe(m.body()));
    var statuses = vertx.eventBus().<LinkStatus>consumer(Addresses.LINK_STATUS, m -> observeStatus(m.body()));
    var query = vertx.eventBus().<Object>localConsumer(Addresses.LINK_STATUS_QUERY, m -> m.reply(status()));
    handover = new TermHandover(vertx, config.node().id(), recent, handoverWaitMs);
    statusTimer = vertx.setPeriodic(STATUS_PERIOD_MS, id -> {
      if (holder) {
        publishStatus();
      }
    });
    keeper = new LeaseKeeper(vertx, lease, config.node().id(),
        () -> StreamIds.nextEpoch(System.currentTimeMillis(), sequencer.highestSeen()),
        epoch -> {
          // Not awaited: the handover may take a while, and the lease keeper must go on renewing.
          metrics.termTaken();
          takeLink(epoch);
          return Future.succeededFuture();
        }, this::releaseLink);
    return Future.all(events.completion(), statuses.completion(), query.completion(), handover.serve())
        .compose(v -> keeper.start());
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(statusTimer);
    return keeper.stop().compose(v -> {
      setState(LinkState.STOPPED);
      return upstream.close();
    });
  }

  /**
   * Every event published by any holder: ids seen (so a future term starts above them and never
   * publishes an event twice) and, while another node holds the link, how far its session got.
   */
  private void observe(StreamEvent e) {
    recent.add(e);
    follow(e);
  }

  private void follow(StreamEvent e) {
    sequencer.observe(e.streamId());
    if (live) {
      return;
    }
    if (e.eventId() != null) {
      seen.firstSeen(e.eventId());
    }
    if (e.linkSeq() != null && (observedSeq == null || e.linkSeq() > observedSeq)) {
      observedSeq = e.linkSeq();
    }
  }

  private void observeStatus(LinkStatus s) {
    if (live || !s.holder() || config.node().id().equals(s.nodeId())) {
      return;
    }
    String session = s.sessionId();
    Long seq = s.lastSeq();
    if (session != null && !session.equals(observedSession)) {
      observedSession = session;
      observedSeq = seq;
    } else if (seq != null && (observedSeq == null || seq > observedSeq)) {
      observedSeq = seq;
    }
  }

  // ---- holding the link ----

  /**
   * Takes the link: the handover, a new epoch above every id seen, the command and ingest
   * consumers, a connection resuming the last holder's session when one was seen. Completes
   * when this node publishes its own events.
   */
  public Future<Void> becomeHolder() {
    return onContext(() -> takeLink(-1));
  }

  /** @param leaseEpoch the epoch the lease granted (a fencing token), or -1 to take one from the clock */
  private Future<Void> takeLink(long leaseEpoch) {
    if (holder) {
      return Future.succeededFuture();
    }
    holder = true;
    long taken = ++term;
    resetIsHead = false; // other holders may have published since this node's last reset
    long epoch = sequencer.startTerm(System.currentTimeMillis(), leaseEpoch);
    log.info("holding the upstream link (epoch {}), {}", epoch, upstreams.describe());
    return handover.run().otherwise(err -> {
      log.error("handover failed ({}); every stream will be reset", String.valueOf(err));
      return new TermHandover.Result(List.of(), false);
    }).compose(result -> {
      if (term != taken) {
        return Future.succeededFuture(); // stood down during the handover
      }
      republish(result);
      live = true;
      commandConsumer = vertx.eventBus().<GatewayCommand>consumer(Addresses.GATEWAY_COMMAND, this::onCommand);
      ingestConsumer = vertx.eventBus().consumer(Addresses.GATEWAY_INGEST, m -> m.reply(ingestion.ingest(m.body())));
      upstream.start(observedSession == null ? null : new SessionPosition(observedSession, observedSeq));
      return Future.all(commandConsumer.completion(), ingestConsumer.completion()).mapEmpty();
    });
  }

  /**
   * Republishes what some nodes missed under its own ids (a node that has an id drops it), then,
   * when a gap could not be filled, a reset. The filled events move the resume position and the
   * de-duplication window as if they had been seen live.
   */
  private void republish(TermHandover.Result result) {
    DeliveryOptions repair = new DeliveryOptions().addHeader(Addresses.REPAIR_HEADER, "1");
    for (StreamEvent e : result.events()) {
      follow(e);
      vertx.eventBus().publish(Addresses.EVENTS, e, repair);
    }
    if (!result.events().isEmpty()) {
      metrics.filled(result.events().size());
    }
    long termStart = sequencer.head();
    if (result.events().stream().anyMatch(e -> e.streamId() >= termStart)) {
      sequencer.startTerm(System.currentTimeMillis(), -1); // a filled id at or above this term's start (clock skew)
    }
    if (!result.complete()) {
      onReset("handover: some nodes missed events that no surviving node still holds");
    }
  }

  /** Gives the link up: closes the socket, fails pending commands, stops taking commands and ingestion. */
  public Future<Void> standDown() {
    return onContext(this::releaseLink);
  }

  private Future<Void> releaseLink() {
    if (!holder) {
      return Future.succeededFuture();
    }
    holder = false;
    live = false;
    term++;
    upstream.stop();
    sequencer.endTerm();
    setState(LinkState.STANDBY);
    Future<Void> command = commandConsumer == null ? Future.succeededFuture() : commandConsumer.unregister();
    Future<Void> ingest = ingestConsumer == null ? Future.succeededFuture() : ingestConsumer.unregister();
    commandConsumer = null;
    ingestConsumer = null;
    return Future.all(command, ingest).mapEmpty();
  }

  // ---- what the upstream delivers ----

  @Override
  public void onEvent(GatewayEvent event, Long seq, long receivedAt) {
    publishEvent(event, seq, true, receivedAt);
  }

  private void publishEvent(GatewayEvent event, Long seq, boolean viaLink, long receivedAt) {
    long now = System.currentTimeMillis();
    publish(StreamEvent.of(event, sequencer.next(now), seq, viaLink, receivedAt, now));
  }

  /** Every open stream must refetch: the reset takes its own stream id, so the window restarts after it. */
  @Override
  public void onReset(String reason) {
    long now = System.currentTimeMillis();
    if (resetIsHead && now - lastResetAt < RESET_COALESCE_MS) {
      // Streams already refetch after the last reset and nothing was published since: one is enough
      // (a hub that sends seq jumps back to back cannot make every browser refetch again and again).
      // Later, a stream opened since that reset has state it must drop: a new loss resets again.
      log.debug("stream reset not repeated: {}", reason);
      return;
    }
    lastResetAt = now;
    StreamEvent reset = StreamEvent.reset(sequencer.next(now), reason);
    log.warn("stream reset {} published: {}", reset.streamIdText(), reason);
    publish(reset);
  }

  @Override
  public void onState(LinkState next) {
    if (holder) {
      setState(next);
    }
  }

  private void publish(StreamEvent e) {
    resetIsHead = e.kind() == StreamEvent.Kind.RESET;
    vertx.eventBus().publish(Addresses.EVENTS, e);
    metrics.published(e);
  }

  // ---- commands ----

  private void onCommand(Message<GatewayCommand> m) {
    GatewayCommand command = m.body();
    if (command == null || !Ids.isOpaqueId(command.id()) || command.name() == null) {
      BusFailure.BAD_COMMAND.fail(m, "id and name are required");
      return;
    }
    upstream.send(command).onComplete(ar -> {
      if (ar.succeeded()) {
        m.reply(ar.result());
      } else if (ar.cause() instanceof UpstreamException e) {
        e.failure().fail(m, null);
      } else {
        m.fail(-1, String.valueOf(ar.cause()));
      }
    });
  }

  // ---- status ----

  private void setState(LinkState next) {
    if (next != state) {
      state = next;
      since = System.currentTimeMillis();
      publishStatus();
    }
  }

  private void publishStatus() {
    vertx.eventBus().publish(Addresses.LINK_STATUS, status());
  }

  /** The link status; session and seq let a new holder resume. */
  LinkStatus status() {
    long head = holder ? sequencer.head() : sequencer.highestSeen();
    Upstream.Status link = upstream.status();
    SessionPosition position = link.position();
    return new LinkStatus(config.node().id(), holder, state.wire(), state == LinkState.CONNECTED,
        position == null ? null : position.sessionId(), position == null ? null : position.seq(),
        head < 0 ? null : StreamIds.format(head), sequencer.epoch() < 0 ? null : sequencer.epoch(),
        link.reconnects(), Times.format(since), link.detail());
  }

  /** Runs {@code action} on this verticle's context (the lease callbacks of a cluster run elsewhere). */
  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }
}
