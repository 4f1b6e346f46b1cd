package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.bus.MemberRoles;
import dev.discordbridge.discord.rest.RestFixtures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The holder's member cache: coalescing, TTL, the watch sweep, and what a thousand viewers cost. */
class MemberDirectoryTest {
  static final String G = "1181471853712130048";
  static final String ANA = "1181471853712130101";

  final AtomicLong now = new AtomicLong(1_000_000);
  final List<Promise<List<String>>> asked = new ArrayList<>();
  final List<MemberRoles> changes = new ArrayList<>();
  final MemberDirectory members = new MemberDirectory((g, u) -> {
    Promise<List<String>> p = Promise.promise();
    asked.add(p);
    return p.future();
  }, 60_000, now::get, changes::add);

  @Test
  void concurrentLookupsOfOnePairShareOneRequestAndAFreshAnswerIsCached() {
    Future<MemberRoles> a = members.roles(G, ANA);
    Future<MemberRoles> b = members.roles(G, ANA);
    assertEquals(1, asked.size(), "a thousand tabs of one user cost one request");
    asked.get(0).complete(List.of("r1"));
    assertEquals(List.of("r1"), a.result().roles());
    assertEquals(a.result(), b.result());
    now.addAndGet(59_000);
    assertEquals(List.of("r1"), members.roles(G, ANA).result().roles());
    assertEquals(1, members.fetches());
    now.addAndGet(2_000);
    members.roles(G, ANA);
    assertEquals(2, members.fetches(), "refetched after the TTL");
  }

  @Test
  void unknownMemberMeansNotAMemberAndAFailureMeansUnknown() {
    Future<MemberRoles> gone = members.roles(G, ANA);
    asked.get(0).complete(null);
    assertFalse(gone.result().member());
    assertTrue(gone.result().known());
    Future<MemberRoles> failed = members.roles(G, "1181471853712130102");
    asked.get(1).fail(new IllegalStateException("HTTP 500"));
    assertFalse(failed.result().known());
    assertFalse(members.roles(G, "1181471853712130102").result().known());
    assertEquals(2, asked.size(), "Discord is not asked again within the failure backoff");
    now.addAndGet(MemberDirectory.FAILURE_BACKOFF_MS);
    members.roles(G, "1181471853712130102");
    assertEquals(3, asked.size(), "asked again after it");
  }

  @Test
  void theSweepRefetchesWatchedPairsAndTellsChangesAndForgetsUnwatchedOnes() {
    members.roles(G, ANA);
    asked.get(0).complete(List.of("r1"));
    now.addAndGet(60_000);
    members.sweep();
    assertEquals(2, asked.size(), "a watched pair is refetched when older than the TTL");
    asked.get(1).complete(List.of("r1", "r2"));
    assertEquals(1, changes.size());
    assertEquals(List.of("r1", "r2"), changes.get(0).roles());
    now.addAndGet(120_000);
    members.sweep();
    assertEquals(0, members.size(), "nobody asked for two TTLs: forgotten");
  }

  @Test
  void aGuildMemberUpdateReplacesTheCachedRoles() {
    members.roles(G, ANA);
    asked.get(0).complete(List.of("r1"));
    members.learn(MemberRoles.of(G, ANA, List.of("r3")));
    assertEquals(List.of("r3"), members.roles(G, ANA).result().roles());
    assertEquals(1, members.fetches());
  }

  /**
   * A thousand viewers connect at once (200 distinct users, five tabs each) against the fake
   * Discord with a member bucket of 50 per second per guild: one request per distinct user, no
   * 429 reaches the bridge's answer, and every viewer is served in about distinct users / 50 s.
   */
  @Test
  void aThousandViewersAtOnceCostOneRequestPerDistinctUser() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      FakeDiscordRest fake = RestFixtures.fake(vertx);
      fake.limit(FakeDiscordRest.MEMBER, 50, 1_000, "member-bucket");
      DiscordRest rest = new DiscordRest(vertx, RestFixtures.options(fake), new RestFixtures.Heard());
      var context = vertx.getOrCreateContext();
      int viewers = 1_000;
      int distinct = 200;
      long started = System.currentTimeMillis();
      Promise<List<MemberRoles>> all = Promise.promise();
      MemberDirectory[] holder = new MemberDirectory[1];
      context.runOnContext(v -> {
        holder[0] = new MemberDirectory(rest::memberRoles, 60_000, System::currentTimeMillis, m -> {});
        List<Future<MemberRoles>> each = new ArrayList<>();
        for (int i = 0; i < viewers; i++) {
          each.add(holder[0].roles(RestFixtures.GUILD, Long.toString(1181471853712200000L + i % distinct)));
        }
        Future.all(each).map(cf -> cf.<MemberRoles>list()).onComplete(all);
      });
      List<MemberRoles> served = all.future().await();
      long took = System.currentTimeMillis() - started;
      long known = served.stream().filter(MemberRoles::known).count();
      int requests = fake.requests("GET", "/members/").size();
      int throttled = fake.rateLimitedTotal();
      System.out.printf("member lookups: %d viewers, %d distinct users -> %d requests (%d answered 429), all served in %d ms%n",
          viewers, distinct, requests, throttled, took);
      assertEquals(viewers, known, "every viewer got roles");
      assertTrue(requests <= distinct + throttled, "one request per distinct user (plus retried 429s): " + requests);
      assertTrue(took < 60_000, "served in " + took + " ms");
      rest.close().await();
    } finally {
      vertx.close().await();
    }
  }
}
