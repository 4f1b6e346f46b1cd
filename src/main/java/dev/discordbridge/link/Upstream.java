package dev.discordbridge.link;

import dev.discordbridge.bus.UpstreamAck;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.contract.GatewayEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Where events come from and commands go: the hub link ({@link dev.discordbridge.link.hub.HubLink}) or, in direct mode,
 * Discord itself ({@link dev.discordbridge.discord.DiscordUpstream}). The link holder
 * ({@link LinkVerticle}) starts it under the lease, sequences and publishes what it
 * delivers, and relays commands to it. Every method and callback runs on the holder's context.
 */
public interface Upstream {

  /**
   * How the holder gets its upstream: the app chooses one (the hub link or Discord itself) and
   * hands it to {@link LinkVerticle}, as it hands it the lease, so the link package never knows
   * which upstream it holds.
   */
  interface Factory {
    /** A new upstream that reports to {@code listener}; called on the holder's context at start. */
    Upstream create(Vertx vertx, EventIdWindow seen, LinkMetrics metrics, Listener listener);

    /** Where it connects, for the holder's log line (never a secret). */
    String describe();
  }

  /** What an upstream tells its holder, on the holder's context. */
  interface Listener {
    /**
     * A validated event not seen before (by id), in the upstream's order.
     *
     * @param seq the upstream's position of the event, or null when it has none
     */
    void onEvent(GatewayEvent event, Long seq, long receivedAt);

    /** Events may have been lost (a gap, a session that could not be resumed): every stream must refetch. */
    void onReset(String reason);

    /** The link moved to {@code state}. */
    void onState(LinkState state);
  }

  /**
   * Connects, and reconnects with backoff until {@link #stop}.
   *
   * @param resumeFrom a session another holder published (a failover), or null to go on from
   *                   this upstream's own position (or start a fresh session)
   */
  void start(SessionPosition resumeFrom);

  /** Closes the link and stops reconnecting; commands awaiting an ack fail with LINK_DOWN. */
  void stop();

  /** Releases what the upstream holds (clients); called once, when the holder stops. */
  Future<Void> close();

  /**
   * Sends one command. The future completes with the upstream's ack, fails with an
   * {@link UpstreamException} (LINK_DOWN) when no link is usable or it went away before the
   * ack, and never completes when no ack arrives (the caller's request times out: retry with
   * the same id).
   */
  Future<UpstreamAck> send(GatewayCommand command);

  /** Where the upstream is now. */
  Status status();

  /**
   * An upstream's state: the link {@code state}, the {@code position} to resume from (null when
   * there is no session), connection attempts after the first, commands waiting for an ack, and
   * why the link is not usable when an operator must act (null otherwise).
   */
  record Status(LinkState state, SessionPosition position, int reconnects, int pendingCommands, String detail) {}
}
