package dev.discordbridge.edge.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The node-wide count of each user's streams. */
class UserStreamsTest {
  @Test
  void onePastTheCapEvictsTheOldestOnceAndUsersAreApart() {
    UserStreams u = new UserStreams(2);
    long a = u.open("ana").key();
    long b = u.open("ana").key();
    assertEquals(List.of(), u.open("bruno").evict());
    UserStreams.Admission third = u.open("ana");
    assertEquals(List.of(a), third.evict());
    UserStreams.Admission fourth = u.open("ana");
    assertEquals(List.of(b), fourth.evict(), "the next oldest, never the same key twice");
    u.closed("ana", a); // the evicted stream ends: already uncounted
    assertEquals(2, u.count("ana"));
    u.closed("ana", third.key());
    assertEquals(List.of(), u.open("ana").evict(), "a closed stream frees its place");
    assertEquals(1, u.count("bruno"));
  }
}
