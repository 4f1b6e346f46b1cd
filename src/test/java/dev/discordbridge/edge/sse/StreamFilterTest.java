package dev.discordbridge.edge.sse;

import static dev.discordbridge.edge.TestEvents.CHANNEL;
import static dev.discordbridge.edge.TestEvents.GUILD;
import static dev.discordbridge.edge.TestEvents.OTHER_GUILD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.auth.Caller;
import dev.discordbridge.edge.TestEvents;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StreamFilterTest {
  static final String THIRD_GUILD = "883344556677889922";
  static final Caller CALLER = new Caller(TestEvents.USER, Set.of(GUILD, THIRD_GUILD), Long.MAX_VALUE / 1000, Caller.Via.HEADER);

  @Test
  void noFilterMeansEveryGuildOfTheToken() {
    var f = StreamFilter.of(CALLER, List.of(), List.of(), List.of());
    assertEquals(Set.of(GUILD, THIRD_GUILD), f.guilds());
    assertNull(f.channels());
    assertNull(f.types());
    assertTrue(f.matches(TestEvents.message(1)));
    assertFalse(f.matches(TestEvents.message(2, OTHER_GUILD, CHANNEL, "x")));
  }

  @Test
  void guildOutsideTheTokenIsForbidden() {
    assertThrows(StreamFilter.Forbidden.class, () -> StreamFilter.of(CALLER, List.of(GUILD, OTHER_GUILD), List.of(), List.of()));
    assertThrows(StreamFilter.Forbidden.class, () -> StreamFilter.of(CALLER, List.of("nope"), List.of(), List.of()));
  }

  @Test
  void guildChannelAndTypesNarrowTheStream() {
    var f = StreamFilter.of(CALLER, List.of(GUILD), List.of(CHANNEL), List.of("messageCreate, voice.joined"));
    assertEquals(Set.of(GUILD), f.guilds());
    assertEquals(Set.of("messageCreate", "voice.joined"), f.types());
    assertTrue(f.matches(TestEvents.message(1)));
    assertFalse(f.matches(TestEvents.message(2, GUILD, "334455667788990099", "x")));
    assertFalse(f.matches(TestEvents.typing(3)));
    assertFalse(f.matches(TestEvents.message(4, THIRD_GUILD, CHANNEL, "x")));
  }

  @Test
  void malformedChannelOrTypesAreInvalid() {
    assertThrows(StreamFilter.Invalid.class, () -> StreamFilter.of(CALLER, List.of(), List.of("abc"), List.of()));
    assertThrows(StreamFilter.Invalid.class, () -> StreamFilter.of(CALLER, List.of(), List.of(), List.of("a b")));
  }

  @Test
  void theTokensChannelsClaimNarrowsEveryStream() {
    String hidden = "334455667788990099";
    var narrowed = new Caller(TestEvents.USER, Set.of(GUILD), Set.of(CHANNEL), Long.MAX_VALUE / 1000, Caller.Via.HEADER);
    var f = StreamFilter.of(narrowed, List.of(), List.of(), List.of());
    assertEquals(Set.of(CHANNEL), f.channels());
    assertTrue(f.matches(TestEvents.message(1)));
    assertFalse(f.matches(TestEvents.message(2, GUILD, hidden, "x")));
    assertEquals(Set.of(CHANNEL), StreamFilter.of(narrowed, List.of(GUILD), List.of(CHANNEL), List.of()).channels());
    var refused = assertThrows(StreamFilter.Forbidden.class,
        () -> StreamFilter.of(narrowed, List.of(), List.of(CHANNEL, hidden), List.of()));
    assertEquals("MISSING_PERMISSION", refused.reason);
    assertEquals("VIEW_CHANNEL", refused.permission);
  }
}
