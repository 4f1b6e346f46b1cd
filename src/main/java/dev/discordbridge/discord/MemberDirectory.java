package dev.discordbridge.discord;

import dev.discordbridge.bus.MemberRoles;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The link holder's cache of callers' roles (direct mode, {@code DISCORD_PERMISSIONS=discord}):
 * {@code GET /guilds/{guild}/members/{user}} at most once per pair per {@code DISCORD_MEMBER_TTL_MS}.
 * Concurrent lookups of one pair share one request (a thousand tabs of one user cost one); distinct
 * pairs queue in the REST rate limiter's bucket for the route (Discord's own limits pace them).
 *
 * <p>A pair that someone asked for within two TTLs is <em>watched</em>: {@link #sweep} refetches it
 * when its roles are older than the TTL and tells {@code changed} when they differ, so open streams
 * follow a role granted or revoked within the TTL (plus a sweep) without GUILD_MEMBER_UPDATE. A pair
 * nobody asked for in two TTLs is forgotten; at most {@link #MAX_ENTRIES} are kept (least recently
 * asked first out). Not thread-safe: the holder's context.
 */
final class MemberDirectory {
  static final int MAX_ENTRIES = 100_000;
  static final int MAX_PENDING = 10_000;
  /** After a failed lookup, the pair is answered "unknown" this long without asking Discord again. */
  static final long FAILURE_BACKOFF_MS = 5_000;

  /** Discord's answer: the member's role ids, or null when not a member. */
  interface Fetch {
    Future<List<String>> roles(String guildId, String userId);
  }

  private record Key(String guildId, String userId) {}

  private static final class Entry {
    MemberRoles roles;
    long fetchedAt;
    long askedAt;
  }

  private final Fetch fetch;
  private final long ttlMs;
  private final LongSupplier clock;
  private final Consumer<MemberRoles> changed;
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);
  private final Map<Key, Future<MemberRoles>> pending = new HashMap<>();
  private final Map<Key, Long> failedAt = new HashMap<>();
  private long fetches;

  MemberDirectory(Fetch fetch, long ttlMs, LongSupplier clock, Consumer<MemberRoles> changed) {
    this.fetch = fetch;
    this.ttlMs = ttlMs;
    this.clock = clock;
    this.changed = changed;
  }

  /** The pair's roles: cached when fresh, else one fetch shared by every concurrent asker. */
  Future<MemberRoles> roles(String guildId, String userId) {
    Key k = new Key(guildId, userId);
    long now = clock.getAsLong();
    Entry e = entries.get(k);
    if (e != null) {
      e.askedAt = now;
      if (now - e.fetchedAt < ttlMs) {
        return Future.succeededFuture(e.roles);
      }
    }
    return refetch(k);
  }

  /** GUILD_MEMBER_UPDATE / GUILD_MEMBER_REMOVE: Discord told the new roles. */
  void learn(MemberRoles m) {
    Key k = new Key(m.guildId(), m.userId());
    Entry e = entries.get(k);
    if (e == null) {
      return; // nobody asked: nothing to keep
    }
    e.roles = m;
    e.fetchedAt = clock.getAsLong();
  }

  /** Refetches the watched pairs whose roles are older than the TTL; forgets the ones nobody asked for. */
  void sweep() {
    long now = clock.getAsLong();
    List<Key> due = new ArrayList<>();
    for (Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Key, Entry> me = it.next();
      Entry e = me.getValue();
      if (now - e.askedAt >= 2 * ttlMs) {
        it.remove();
        failedAt.remove(me.getKey());
      } else if (now - e.fetchedAt >= ttlMs && !pending.containsKey(me.getKey())) {
        due.add(me.getKey());
      }
    }
    due.forEach(this::refetch);
    failedAt.values().removeIf(at -> now - at >= FAILURE_BACKOFF_MS);
  }

  long fetches() {
    return fetches;
  }

  int size() {
    return entries.size();
  }

  private Future<MemberRoles> refetch(Key k) {
    Future<MemberRoles> running = pending.get(k);
    if (running != null) {
      return running;
    }
    Long failed = failedAt.get(k);
    if (pending.size() >= MAX_PENDING || failed != null && clock.getAsLong() - failed < FAILURE_BACKOFF_MS) {
      Entry known = entries.get(k);
      return Future.succeededFuture(known != null ? known.roles : MemberRoles.unknown(k.guildId(), k.userId()));
    }
    failedAt.remove(k);
    fetches++;
    Future<MemberRoles> f = fetch.roles(k.guildId(), k.userId())
        .map(roles -> MemberRoles.of(k.guildId(), k.userId(), roles))
        .otherwise(err -> MemberRoles.unknown(k.guildId(), k.userId()));
    pending.put(k, f);
    f.onComplete(ar -> {
      pending.remove(k);
      store(k, ar.result());
    });
    return f;
  }

  private void store(Key k, MemberRoles m) {
    long now = clock.getAsLong();
    Entry e = entries.get(k);
    if (!m.known()) {
      if (failedAt.size() < MAX_ENTRIES) {
        failedAt.put(k, now); // keep what was known; asked again after the backoff
      }
      return;
    }
    if (e == null) {
      if (entries.size() >= MAX_ENTRIES) {
        Iterator<Key> oldest = entries.keySet().iterator();
        oldest.next();
        oldest.remove();
      }
      e = new Entry();
      e.askedAt = now;
      entries.put(k, e);
    } else if (e.roles != null && !e.roles.equals(m)) {
      changed.accept(m);
    }
    e.roles = m;
    e.fetchedAt = now;
  }
}
