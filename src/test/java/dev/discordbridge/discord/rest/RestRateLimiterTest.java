package dev.discordbridge.discord.rest;

import static dev.discordbridge.discord.rest.RestFixtures.CH1;
import static dev.discordbridge.discord.rest.RestFixtures.CH2;
import static dev.discordbridge.discord.rest.RestFixtures.message;
import static dev.discordbridge.discord.rest.RestFixtures.options;
import static dev.discordbridge.discord.rest.RestFixtures.typing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.UpstreamAck;
import dev.discordbridge.discord.DiscordRest;
import dev.discordbridge.discord.FakeDiscordRest.Recorded;
import dev.discordbridge.discord.FakeDiscordRest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The limiter against the fake Discord: buckets are obeyed before sending (no 429s once learned),
 * buckets named alike are shared, 429s of each scope pause what they should and are retried.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RestRateLimiterTest {
  private static final long SLACK = 5; // ms: the fake and the client round to milliseconds

  private FakeDiscordRest fake;
  private DiscordRest rest;
  private final RestFixtures.Heard heard = new RestFixtures.Heard();

  @BeforeEach
  void start(Vertx vertx) {
    fake = RestFixtures.fake(vertx);
  }

  @AfterEach
  void stop() {
    if (rest != null) {
      rest.close().await();
    }
    fake.close().await();
  }

  private DiscordRest client(Vertx vertx, RestOptions options) {
    rest = new DiscordRest(vertx, options, heard);
    return rest;
  }

  private static Recorded post(List<Recorded> posts, String channel, int nth) {
    return posts.stream().filter(r -> r.path().contains(channel)).skip(nth).findFirst().orElseThrow();
  }

  @Test
  void anExhaustedBucketWaitsForItsResetWhileAnotherChannelGoesAtOnce(Vertx vertx) {
    fake.limit(FakeDiscordRest.MESSAGES, 1, 600, "msgs");
    client(vertx, options(fake));
    assertTrue(rest.execute(message("c1", CH1, "one")).await().ok());
    Future<UpstreamAck> second = rest.execute(message("c2", CH1, "two"));
    Future<UpstreamAck> other = rest.execute(message("c3", CH2, "three"));
    assertTrue(other.await().ok());
    assertTrue(second.await().ok());

    List<Recorded> posts = fake.requests("POST", "/messages");
    long first = post(posts, CH1, 0).atMs();
    assertTrue(post(posts, CH1, 1).atMs() - first >= 600 - SLACK, "the second waited for the bucket's reset");
    assertTrue(post(posts, CH2, 0).atMs() - first < 400, "the other channel did not wait");
    assertTrue(post(posts, CH2, 0).atMs() < post(posts, CH1, 1).atMs());
    assertEquals(0, fake.rateLimitedTotal(), "the wait happened before sending, not after a 429");
  }

  @Test
  void routesNamingTheSameBucketShareItsWait(Vertx vertx) {
    fake.limit(FakeDiscordRest.MESSAGES, 1, 600, "shared-hash").limit(FakeDiscordRest.TYPING, 1, 600, "shared-hash");
    client(vertx, options(fake).withTypingDebounceMs(0));
    assertTrue(rest.execute(message("m1", CH1, "learn")).await().ok());
    assertTrue(rest.execute(typing("t1", CH1)).await().ok(), "typing learns its bucket (a 429 is waited out)");
    RestRoute messages = RestRoute.of(HttpMethod.POST, "/channels/" + CH1 + "/messages");
    RestRoute typingRoute = RestRoute.of(HttpMethod.POST, "/channels/" + CH1 + "/typing");
    assertNotNull(rest.limiter().bucketOf(messages));
    assertEquals(rest.limiter().bucketOf(messages), rest.limiter().bucketOf(typingRoute), "one bucket for both routes");

    int before = fake.rateLimitedTotal();
    Future<UpstreamAck> m = rest.execute(message("m2", CH1, "after"));
    Future<UpstreamAck> t = rest.execute(typing("t2", CH1));
    assertTrue(m.await().ok());
    assertTrue(t.await().ok());
    assertEquals(before, fake.rateLimitedTotal(), "no 429 once the shared bucket is known");
    long mAt = fake.requests("POST", "/messages").get(1).atMs();
    long tAt = fake.requests("POST", "/typing").stream().filter(r -> r.status() == 204).skip(1).findFirst().orElseThrow().atMs();
    assertTrue(tAt - mAt >= 600 - SLACK, "the typing request waited for the message's window: " + (tAt - mAt));
  }

  @Test
  void aBurstToOneChannelNeverHitsA429(Vertx vertx) {
    fake.limit(FakeDiscordRest.MESSAGES, 5, 400, "msgs");
    client(vertx, options(fake));
    List<Future<UpstreamAck>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(rest.execute(message("burst" + i, CH1, "n" + i)));
    }
    Future.all(all).await();
    all.forEach(f -> assertTrue(f.result().ok()));
    List<Recorded> posts = fake.requests("POST", "/messages");
    assertEquals(20, posts.size());
    assertEquals(0, fake.rateLimited("msgs"), "the limiter kept within 5 per 400 ms");
    assertTrue(posts.get(19).atMs() - posts.get(0).atMs() >= 3 * 400 - SLACK, "20 requests need four windows");
  }

  @Test
  void aUserScoped429PausesTheBucketAndRetriesTheSameRequest(Vertx vertx) {
    client(vertx, options(fake));
    fake.next429("user", 300);
    UpstreamAck ack = rest.execute(message("u1", CH1, "hello")).await();
    assertTrue(ack.ok(), "the 429 never reached the caller");
    List<Recorded> posts = fake.requests("POST", "/messages");
    assertEquals(2, posts.size());
    assertEquals(429, posts.get(0).status());
    assertEquals(posts.get(0).body(), posts.get(1).body(), "the same request, the same nonce");
    assertTrue(posts.get(1).atMs() - posts.get(0).atMs() >= 300 - SLACK);
    assertEquals(List.of("user"), heard.rateLimited);
    assertEquals(1, rest.guard().invalidCount(), "a user 429 counts as invalid");
  }

  @Test
  void aShared429IsNotCountedAsInvalid(Vertx vertx) {
    client(vertx, options(fake));
    fake.next429("shared", 200);
    assertTrue(rest.execute(message("s1", CH1, "hello")).await().ok());
    assertEquals(2, fake.requests("POST", "/messages").size());
    assertEquals(List.of("shared"), heard.rateLimited);
    assertEquals(0, rest.guard().invalidCount(), "Discord does not count shared 429s against the bot");
  }

  @Test
  void aGlobal429PausesEveryBucket(Vertx vertx) {
    client(vertx, options(fake));
    Promise<UpstreamAck> other = Promise.promise();
    heard.afterRateLimit = () -> rest.execute(message("g2", CH2, "other channel")).onComplete(other);
    fake.next429("global", 400);
    assertTrue(rest.execute(message("g1", CH1, "first")).await().ok());
    assertTrue(other.future().await().ok());

    List<Recorded> posts = fake.requests("POST", "/messages");
    assertEquals(3, posts.size());
    long limitedAt = posts.get(0).atMs();
    assertEquals(429, posts.get(0).status());
    assertTrue(post(posts, CH2, 0).atMs() - limitedAt >= 400 - SLACK, "another channel waited out the global pause too");
    assertTrue(post(posts, CH1, 1).atMs() - limitedAt >= 400 - SLACK);
    assertEquals(1, fake.rateLimitedTotal());
    assertEquals(List.of("global"), heard.rateLimited);
  }

  @Test
  void aWaitLongerThanTheMaximumIsRefusedRetryable(Vertx vertx) {
    client(vertx, options(fake).withLimits(50, 5_000));
    fake.next429("user", 60_000);
    UpstreamAck ack = rest.execute(message("w1", CH1, "hello")).await();
    assertFalse(ack.ok());
    assertEquals(DiscordErrors.RATE_LIMITED, ack.error().code());
    assertTrue(ack.error().retryable());
    assertEquals(60_000L, ack.error().retryAfterMs());

    UpstreamAck next = rest.execute(message("w2", CH1, "again")).await();
    assertFalse(next.ok(), "the bucket is still paused");
    assertTrue(next.error().retryAfterMs() > 50_000 && next.error().retryAfterMs() <= 60_000);
    assertEquals(1, fake.requests("POST", "/messages").size(), "nothing was sent into the paused bucket");
  }

  @Test
  void theGlobalLimitHoldsAcrossBuckets(Vertx vertx) {
    fake.globalLimit(5);
    client(vertx, options(fake).withLimits(5, 30_000));
    List<Future<UpstreamAck>> all = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      all.add(rest.execute(message("gl" + i, RestFixtures.channel(i), "n" + i)));
    }
    Future.all(all).await();
    all.forEach(f -> assertTrue(f.result().ok()));
    List<Recorded> posts = fake.requests("POST", "/messages");
    assertEquals(12, posts.size());
    assertEquals(0, fake.rateLimitedTotal(), "never more than 5 in a second");
    assertTrue(posts.get(11).atMs() - posts.get(0).atMs() >= 2_000, "12 requests at 5 per second need two more seconds");
  }
}
