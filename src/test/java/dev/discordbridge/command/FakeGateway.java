package dev.discordbridge.command;

import dev.discordbridge.bus.Addresses;
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
  private final Deque<Consumer<Message<JsonObject>>> script = new ArrayDeque<>();
  private volatile Consumer<Message<JsonObject>> fallback = ok();
  /** Set by {@link #link}: a frame arriving while the link is down is a failure of the queue. */
  volatile boolean linkUp = true;
  volatile int framesWhileDown;

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(Addresses.GATEWAY_COMMAND, m -> {
      if (!linkUp) {
        framesWhileDown++;
      }
      frames.add(m.body());
      Consumer<Message<JsonObject>> action;
      synchronized (script) {
        action = script.isEmpty() ? fallback : script.poll();
      }
      action.accept(m);
    }).completion();
  }

  FakeGateway then(Consumer<Message<JsonObject>> action) {
    synchronized (script) {
      script.add(action);
    }
    return this;
  }

  FakeGateway otherwise(Consumer<Message<JsonObject>> action) {
    fallback = action;
    return this;
  }

  void link(boolean usable) {
    linkUp = usable;
    vertx.eventBus().publish(Addresses.LINK_STATUS, new JsonObject().put("nodeId", "test").put("holder", true)
        .put("state", usable ? "connected" : "backoff").put("usable", usable));
  }

  static Consumer<Message<JsonObject>> ok() {
    return m -> m.reply(new JsonObject().put("ok", true).put("result", new JsonObject().put("messageId", "998877665544332211")));
  }

  static Consumer<Message<JsonObject>> reject(String code) {
    return m -> m.reply(new JsonObject().put("ok", false).put("error", new JsonObject().put("code", code)
        .put("message", "refused by the fake hub").put("retryable", false)));
  }

  static Consumer<Message<JsonObject>> retryable(long retryAfterMs) {
    return m -> m.reply(new JsonObject().put("ok", false).put("error", new JsonObject().put("code", "HUB_BUSY")
        .put("message", "try again").put("retryable", true).put("retryAfterMs", retryAfterMs)));
  }

  static Consumer<Message<JsonObject>> silent() {
    return m -> { };
  }

  static Consumer<Message<JsonObject>> linkDown() {
    return m -> m.fail(503, "LINK_DOWN");
  }
}
