package dev.discordbridge.discord.shard;

import dev.discordbridge.config.BridgeConfig;
import dev.discordbridge.config.DiscordConfig;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Settings of one {@link ShardSession}. Build with {@link #of} from the configuration (every
 * default lives in conf/bridge.json) and adjust with the {@code with...} methods (tests). {@link #toString()} never shows the token.
 *
 * @param gatewayUrl the base URL ({@code /gateway/bot}'s {@code url} or DISCORD_GATEWAY_URL),
 *     ws:// or wss://, without query
 * @param compress receive {@code zlib-stream} transport compression
 * @param helloTimeoutMs how long a new socket may take to bring Hello
 * @param maxMessageBytes the largest message accepted (after decompression)
 * @param maxFailedResumes resumes in a row that may fail before the session is given up
 * @param invalidSessionMinMs with {@code invalidSessionMaxMs}: the wait before a new Identify
 *     after op 9 {@code d=false} (Discord: 1 to 5 s)
 * @param random values in [0, 1): heartbeat jitter, backoff, the op 9 wait
 */
public record ShardOptions(String token, URI gatewayUrl, int shardId, int shardCount, int intents,
                           boolean compress, long backoffBaseMs, long backoffMaxMs, long helloTimeoutMs,
                           int maxMessageBytes, int maxFailedResumes, long invalidSessionMinMs,
                           long invalidSessionMaxMs, DoubleSupplier random) {

  /** Discord's documented wait before a new Identify after op 9 {@code d=false}: 1 to 5 s (protocol, not a setting). */
  static final long INVALID_SESSION_MIN_MS = 1_000;
  static final long INVALID_SESSION_MAX_MS = 5_000;

  public ShardOptions {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("token is required");
    }
    if (gatewayUrl == null || gatewayUrl.getHost() == null
        || !("ws".equalsIgnoreCase(gatewayUrl.getScheme()) || "wss".equalsIgnoreCase(gatewayUrl.getScheme()))) {
      throw new IllegalArgumentException("gatewayUrl must be a ws:// or wss:// URL, got " + gatewayUrl);
    }
    if (gatewayUrl.getRawQuery() != null) {
      throw new IllegalArgumentException("gatewayUrl must not carry a query (v and encoding are added): " + gatewayUrl);
    }
    if (shardCount < 1 || shardId < 0 || shardId >= shardCount) {
      throw new IllegalArgumentException("need 0 <= shardId < shardCount, got " + shardId + "/" + shardCount);
    }
    if (backoffBaseMs <= 0 || backoffMaxMs < backoffBaseMs || helloTimeoutMs <= 0) {
      throw new IllegalArgumentException("need 0 < backoffBaseMs <= backoffMaxMs and helloTimeoutMs > 0");
    }
    if (maxMessageBytes < 4096 || maxFailedResumes < 1) {
      throw new IllegalArgumentException("need maxMessageBytes >= 4096 and maxFailedResumes >= 1");
    }
    if (invalidSessionMinMs < 0 || invalidSessionMaxMs < invalidSessionMinMs || random == null) {
      throw new IllegalArgumentException("need 0 <= invalidSessionMinMs <= invalidSessionMaxMs and a random source");
    }
  }

  /**
   * Shard {@code shardId} of {@code shardCount} from the configuration: the bot token, intents and
   * compression of direct mode ({@code DISCORD_*}), the reconnect backoff, Hello timeout, message
   * size and failed-resume limit of the link ({@code LINK_*}).
   */
  public static ShardOptions of(BridgeConfig config, URI gatewayUrl, int shardId, int shardCount) {
    DiscordConfig d = Objects.requireNonNull(config.discord(), "direct mode (DISCORD_BOT_TOKEN) is not configured");
    BridgeConfig.Link l = config.link();
    return new ShardOptions(d.botToken(), gatewayUrl, shardId, shardCount, d.intents(), d.compress(), l.backoffBaseMs(),
        l.backoffMaxMs(), l.helloTimeoutMs(), l.maxFrameBytes(), l.maxFailedResumes(), INVALID_SESSION_MIN_MS,
        INVALID_SESSION_MAX_MS, () -> ThreadLocalRandom.current().nextDouble());
  }

  public ShardOptions withCompress(boolean on) {
    return new ShardOptions(token, gatewayUrl, shardId, shardCount, intents, on, backoffBaseMs, backoffMaxMs,
        helloTimeoutMs, maxMessageBytes, maxFailedResumes, invalidSessionMinMs, invalidSessionMaxMs, random);
  }

  public ShardOptions withShard(int id, int count) {
    return new ShardOptions(token, gatewayUrl, id, count, intents, compress, backoffBaseMs, backoffMaxMs,
        helloTimeoutMs, maxMessageBytes, maxFailedResumes, invalidSessionMinMs, invalidSessionMaxMs, random);
  }

  public ShardOptions withBackoff(long baseMs, long maxMs) {
    return new ShardOptions(token, gatewayUrl, shardId, shardCount, intents, compress, baseMs, maxMs,
        helloTimeoutMs, maxMessageBytes, maxFailedResumes, invalidSessionMinMs, invalidSessionMaxMs, random);
  }

  public ShardOptions withHelloTimeoutMs(long ms) {
    return new ShardOptions(token, gatewayUrl, shardId, shardCount, intents, compress, backoffBaseMs, backoffMaxMs,
        ms, maxMessageBytes, maxFailedResumes, invalidSessionMinMs, invalidSessionMaxMs, random);
  }

  public ShardOptions withMaxMessageBytes(int bytes) {
    return new ShardOptions(token, gatewayUrl, shardId, shardCount, intents, compress, backoffBaseMs, backoffMaxMs,
        helloTimeoutMs, bytes, maxFailedResumes, invalidSessionMinMs, invalidSessionMaxMs, random);
  }

  public ShardOptions withMaxFailedResumes(int n) {
    return new ShardOptions(token, gatewayUrl, shardId, shardCount, intents, compress, backoffBaseMs, backoffMaxMs,
        helloTimeoutMs, maxMessageBytes, n, invalidSessionMinMs, invalidSessionMaxMs, random);
  }

  public ShardOptions withInvalidSessionDelay(long minMs, long maxMs) {
    return new ShardOptions(token, gatewayUrl, shardId, shardCount, intents, compress, backoffBaseMs, backoffMaxMs,
        helloTimeoutMs, maxMessageBytes, maxFailedResumes, minMs, maxMs, random);
  }

  public ShardOptions withRandom(DoubleSupplier source) {
    return new ShardOptions(token, gatewayUrl, shardId, shardCount, intents, compress, backoffBaseMs, backoffMaxMs,
        helloTimeoutMs, maxMessageBytes, maxFailedResumes, invalidSessionMinMs, invalidSessionMaxMs, source);
  }

  /** The query every connection carries, the resume connection included. */
  public String query() {
    return "v=10&encoding=json" + (compress ? "&compress=zlib-stream" : "");
  }

  /** {@code base} (the gateway URL or a resume URL) with this shard's query: {@code <base>/?v=10&encoding=json...}. */
  public URI connectUrl(URI base) {
    String path = base.getRawPath() == null || base.getRawPath().isEmpty() ? "/" : base.getRawPath();
    return URI.create(base.getScheme() + "://" + base.getRawAuthority() + path + "?" + query());
  }

  /** A random value in [0, 1), clamped whatever the injected source returns. */
  double nextRandom() {
    double r = random.getAsDouble();
    return r < 0 || Double.isNaN(r) ? 0 : Math.min(r, 0x1.fffffffffffffp-1);
  }

  @Override
  public String toString() {
    return "ShardOptions[token=<redacted>, gatewayUrl=" + gatewayUrl + ", shard=" + shardId + "/" + shardCount
        + ", intents=" + intents + ", compress=" + compress + ", backoff=" + backoffBaseMs + ".." + backoffMaxMs
        + " ms, helloTimeoutMs=" + helloTimeoutMs + ", maxMessageBytes=" + maxMessageBytes
        + ", maxFailedResumes=" + maxFailedResumes + ", invalidSessionDelay=" + invalidSessionMinMs + ".."
        + invalidSessionMaxMs + " ms]";
  }
}
