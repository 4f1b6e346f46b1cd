package dev.discordbridge.command;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.contract.GatewayCommand;
import dev.discordbridge.bus.BusFailure;
import dev.discordbridge.bus.LinkStatus;
import dev.discordbridge.bus.UpstreamAck;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * Stands in for the link holder: answers {@code bridge.gateway.command} as scripted (one action
 * per frame, then the default), records every frame, and publishes link status on demand.
 */
final class FakeGateway extends VerticleBase {
  final Recorder<JsonObject> frames = new Recorder<>();
  private final Deque<Consumer<Message<GatewayCommand>>> script = new ArrayDeque<>();
  private volatile Consumer<Message<GatewayCommand>> fallback = ok();
  /** Set by {@link #link}: a frame arriving while the link is down is a failure of the queue. */
  volatile boolean linkUp = true;
  volatile int framesWhileDown;

  @Override
  public Future<?> start() {
    return vertx.eventBus().<GatewayCommand>consumer(Addresses.GATEWAY_COMMAND, m -> {
      if (!linkUp) {
        framesWhileDown++;
      }
      frames.add(m.body().toJson());
      Consumer<Message<GatewayCommand>> action;
      synchronized (script) {
        action = script.isEmpty() ? fallback : script.poll();
      }
      action.accept(m);
    }).completion();
  }

  FakeGateway then(Consumer<Message<GatewayCommand>> action) {
    synchronized (script) {
      script.add(action);
    }
    return this;
  }

  FakeGateway otherwise(Consumer<Message<GatewayCommand>> action) {
    fallback = action;
    return this;
  }

  void link(boolean usable) {
    linkUp = usable;
    vertx.eventBus().publish(Addresses.LINK_STATUS, new LinkStatus("test", true, usable ? "connected" : "backoff",
        usable, null, null, null, null, 0, "2026-01-01T00:00:00.000Z", null));
  }

  static Consumer<Message<GatewayCommand>> ok() {
    return m -> m.reply(UpstreamAck.delivered(new JsonObject().put("messageId", "998877665544332211")));
  }

  static Consumer<Message<GatewayCommand>> reject(String code) {
    return m -> m.reply(UpstreamAck.refused(new UpstreamAck.UpstreamError(code, "refused by the fake hub", false, null)));
  }

  static Consumer<Message<GatewayCommand>> retryable(long retryAfterMs) {
    return m -> m.reply(UpstreamAck.refused(new UpstreamAck.UpstreamError("HUB_BUSY", "try again", true, retryAfterMs)));
  }

  static Consumer<Message<GatewayCommand>> silent() {
    return m -> { };
  }

  static Consumer<Message<GatewayCommand>> linkDown() {
    return m -> BusFailure.LINK_DOWN.fail(m, null);
  }
}
