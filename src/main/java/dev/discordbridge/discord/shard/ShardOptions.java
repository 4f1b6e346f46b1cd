package dev.discordbridge.discord.shard;

import java.net.URI;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Settings of one {@link ShardSession}. Build with {@link #of} (defaults filled in one place)
 * and adjust with the {@code with...} methods. {@link #toString()} never shows the token.
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

  public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

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

  /** Defaults: zlib-stream on, backoff 1 s to 60 s, Hello within 20 s, 16 MiB messages, 3 failed resumes, op 9 wait 1-5 s. */
  public static ShardOptions of(String token, URI gatewayUrl, int shardId, int shardCount, int intents) {
    return new ShardOptions(token, gatewayUrl, shardId, shardCount, intents, true, 1000, 60_000, 20_000,
        DEFAULT_MAX_MESSAGE_BYTES, 3, 1000, 5000, () -> ThreadLocalRandom.current().nextDouble());
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
