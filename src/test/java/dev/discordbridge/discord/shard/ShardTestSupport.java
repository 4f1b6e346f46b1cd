package dev.discordbridge.discord.shard;

import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.discord.FakeDiscordGateway;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;

/** Shared set-up of the shard tests: a fake gateway, sessions against it, bounded waits. */
public abstract class ShardTestSupport {
  public static final String TOKEN = "fake-bot-token.abc123";
  public static final int INTENTS = (1 << 0) | (1 << 7) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 15);
  public static final long WAIT_S = 10;

  /** The random source every session in a test uses; tests change it between steps. */
  public final AtomicReference<Double> random = new AtomicReference<>(0.5);
  public final List<ShardSession> sessions = new ArrayList<>();
  public Vertx vertx;
  public FakeDiscordGateway fake;

  public FakeDiscordGateway startFake(Vertx vertx) throws Exception {
    this.vertx = vertx;
    fake = await(new FakeDiscordGateway(vertx, TOKEN).start());
    return fake;
  }

  /** Direct mode as conf/bridge.json sets it up, with the Message Content intent (INTENTS). */
  public static final BridgeConfig CONFIG = BridgeConfig.parse(new JsonObject().put("DISCORD_BOT_TOKEN", TOKEN)
      .put("DISCORD_MESSAGE_CONTENT", true).put("AUTH_JWT_SECRET", "0123456789abcdef0123456789abcdef"));

  /** {@link #options()} with another token and intents (for the refusals Discord answers with a close code). */
  public ShardOptions options(String token, int intents) {
    ShardOptions o = options();
    return new ShardOptions(token, o.gatewayUrl(), o.shardId(), o.shardCount(), intents, o.compress(),
        o.backoffBaseMs(), o.backoffMaxMs(), o.helloTimeoutMs(), o.maxMessageBytes(), o.maxFailedResumes(),
        o.invalidSessionMinMs(), o.invalidSessionMaxMs(), o.random());
  }

  public ShardOptions options() {
    return ShardOptions.of(CONFIG, URI.create(fake.url()), 0, 1)
        .withCompress(false)
        .withBackoff(20, 200)
        .withHelloTimeoutMs(3000)
        .withRandom(random::get);
  }

  public ShardSession session(ShardOptions options, IdentifyGate gate, ShardProbe probe) {
    var s = new ShardSession(vertx, options, gate, probe);
    sessions.add(s);
    return s;
  }

  /** A session with an unlimited, unpaced gate, started with Identify, awaited until READY. */
  public ShardSession ready(ShardOptions options, ShardProbe probe) throws Exception {
    var s = session(options, new LocalIdentifyGate(vertx, 1, 1000, 0), probe);
    s.start(null);
    await(probe.when(() -> probe.count("READY") == 1 && s.state() == ShardState.READY));
    return s;
  }

  @AfterEach
  public void closeAll() throws Exception {
    for (ShardSession s : sessions) {
      await(s.close());
    }
    if (fake != null) {
      await(fake.stop());
    }
  }

  public static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(WAIT_S, TimeUnit.SECONDS);
  }

  public static <T> T await(CompletableFuture<T> f) throws Exception {
    return f.get(WAIT_S, TimeUnit.SECONDS);
  }

  /** True when {@code f} did not complete within {@code ms}: for "this must not happen" checks. */
  public static boolean stillPending(CompletableFuture<?> f, long ms) throws Exception {
    try {
      f.get(ms, TimeUnit.MILLISECONDS);
      return false;
    } catch (TimeoutException e) {
      return true;
    }
  }

  public static long now() {
    return System.nanoTime() / 1_000_000;
  }
}
