package dev.discordbridge.legacy;

import dev.discordbridge.bus.Addresses;
import dev.discordbridge.bus.LegacyAnswer;
import dev.discordbridge.bus.LegacyInbound;
import dev.discordbridge.ops.Metrics;
import dev.discordbridge.ops.TraceLog;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The legacy socket protocol (CONTRACT section 5), deployed only with {@code ENABLE_WS_BRIDGE=true}:
 * answers the frames the edges relay ({@code bridge.legacy.inbound}). It holds no state: the
 * edge sends each frame with its caller and the connection's count of invalid frames, so any
 * instance can answer any frame. Voice-event translation and the deprecation gauges have one
 * owner per node, {@link LegacyPresenceVerticle}.
 *
 * <p>All legacy traffic stays on the node (local-only delivery): each node's bridge serves that
 * node's sockets.
 */
public final class LegacyBridgeVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(LegacyBridgeVerticle.class);

  /** Errors a connection may cause before it is closed with 1008. */
  static final int MAX_ERRORS = 5;

  private Counter framesIn;
  private Counter framesOut;

  @Override
  public Future<?> start() {
    framesIn = LegacyPresenceVerticle.frames("in");
    framesOut = LegacyPresenceVerticle.frames("out");
    return vertx.eventBus().<LegacyInbound>localConsumer(Addresses.LEGACY_INBOUND, this::answer).completion();
  }

  private void answer(Message<LegacyInbound> message) {
    framesIn.increment();
    framesOut.increment();
    message.reply(answer(message.body()));
  }

  /** The answer to one frame: pure, given the frame, the caller and the connection's error count. */
  static LegacyAnswer answer(LegacyInbound in) {
    LegacyFrames.Inbound frame = LegacyFrames.parse(in.frame());
    if (frame instanceof LegacyFrames.Subscribe s) {
      if (in.mayRead(s.guildId())) {
        return new LegacyAnswer(LegacyFrames.subscribed(s.guildId()), s.guildId(), false, 0, null);
      }
      TraceLog.info(log, in.traceId(), "legacy socket {} of user {} asked for guild {} outside its token",
          in.connectionId(), in.userId(), s.guildId());
      return refuse(in, "FORBIDDEN", "guild " + s.guildId() + " is not in your token");
    }
    if (frame instanceof LegacyFrames.Invalid bad) {
      return refuse(in, bad.code(), bad.message());
    }
    return LegacyAnswer.send(LegacyFrames.pong());
  }

  private static LegacyAnswer refuse(LegacyInbound in, String code, String text) {
    if (in.errors() + 1 >= MAX_ERRORS) {
      return new LegacyAnswer(LegacyFrames.error(code, text + "; too many errors, closing"), null, true, 1008,
          "too many invalid frames");
    }
    return new LegacyAnswer(LegacyFrames.error(code, text), null, true, 0, null);
  }
}
