package dev.discordbridge.access;

import static dev.discordbridge.access.Permission.ADD_REACTIONS;
import static dev.discordbridge.access.Permission.ADMINISTRATOR;
import static dev.discordbridge.access.Permission.MANAGE_THREADS;
import static dev.discordbridge.access.Permission.READ_MESSAGE_HISTORY;
import static dev.discordbridge.access.Permission.SEND_MESSAGES;
import static dev.discordbridge.access.Permission.SEND_MESSAGES_IN_THREADS;
import static dev.discordbridge.access.Permission.VIEW_CHANNEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Discord's algorithm (topics/permissions): the hierarchy and the overwrite order, as a table. */
class PermissionsTest {
  static final String G = "100000000000000001"; // the guild, and its @everyone role
  static final String OWNER = "200000000000000001";
  static final String ANA = "200000000000000002";
  static final String MOD = "300000000000000001";
  static final String ADMIN = "300000000000000002";
  static final String MUTED = "300000000000000003";
  static final String HELPER = "300000000000000004";
  static final String GENERAL = "400000000000000001";
  static final String STAFF = "400000000000000002";
  static final String THREAD = "400000000000000003";
  static final String PRIVATE_THREAD = "400000000000000004";
  static final String STAFF_THREAD = "400000000000000005";
  static final String ORPHAN_THREAD = "400000000000000006";
  static final String NO_VIEW_BUT_SEND = "400000000000000007";
  static final String LAYERED = "400000000000000008";

  static final long CHAT = VIEW_CHANNEL.bit | SEND_MESSAGES.bit | READ_MESSAGE_HISTORY.bit | ADD_REACTIONS.bit
      | SEND_MESSAGES_IN_THREADS.bit;

  static final Guild GUILD = new Guild(G, OWNER,
      Map.of(G, CHAT, MOD, MANAGE_THREADS.bit, ADMIN, ADMINISTRATOR.bit, MUTED, 0L, HELPER, 0L),
      Map.of(
          GENERAL, new GuildChannel(GENERAL, null, 0, List.of()),
          STAFF, new GuildChannel(STAFF, null, 0, List.of(
              Overwrite.role(G, 0, VIEW_CHANNEL.bit),
              Overwrite.role(MOD, VIEW_CHANNEL.bit, 0))),
          THREAD, new GuildChannel(THREAD, GENERAL, GuildChannel.PUBLIC_THREAD, List.of(
              Overwrite.role(G, 0, VIEW_CHANNEL.bit))), // a thread's own overwrites never count
          PRIVATE_THREAD, new GuildChannel(PRIVATE_THREAD, GENERAL, GuildChannel.PRIVATE_THREAD, List.of()),
          STAFF_THREAD, new GuildChannel(STAFF_THREAD, STAFF, GuildChannel.PUBLIC_THREAD, List.of()),
          ORPHAN_THREAD, new GuildChannel(ORPHAN_THREAD, "499999999999999999", GuildChannel.PUBLIC_THREAD, List.of()),
          NO_VIEW_BUT_SEND, new GuildChannel(NO_VIEW_BUT_SEND, null, 0, List.of(
              Overwrite.role(G, SEND_MESSAGES.bit, VIEW_CHANNEL.bit))),
          LAYERED, new GuildChannel(LAYERED, null, 0, List.of(
              // @everyone may not send; MUTED denies and HELPER allows SEND_MESSAGES: allow of all roles wins
              Overwrite.role(G, 0, SEND_MESSAGES.bit),
              Overwrite.role(MUTED, 0, SEND_MESSAGES.bit | ADD_REACTIONS.bit),
              Overwrite.role(HELPER, SEND_MESSAGES.bit, 0),
              // ana's own overwrite denies reactions again and beats every role
              Overwrite.member(ANA, 0, ADD_REACTIONS.bit)))));

  static Stream<Arguments> table() {
    return Stream.of(
        // who, roles, channel, permission, expected, why
        Arguments.of(ANA, Set.of(), GENERAL, VIEW_CHANNEL, true, "@everyone's base applies"),
        Arguments.of(ANA, Set.of(), STAFF, VIEW_CHANNEL, false, "@everyone overwrite denies"),
        Arguments.of(ANA, Set.of(), STAFF, SEND_MESSAGES, false, "no VIEW_CHANNEL means nothing"),
        Arguments.of(ANA, Set.of(MOD), STAFF, VIEW_CHANNEL, true, "a role overwrite allow beats @everyone's deny"),
        Arguments.of(ANA, Set.of(ADMIN), STAFF, VIEW_CHANNEL, true, "ADMINISTRATOR overrides every overwrite"),
        Arguments.of(OWNER, Set.of(), STAFF, VIEW_CHANNEL, true, "the owner has everything"),
        Arguments.of(OWNER, Set.of(), PRIVATE_THREAD, SEND_MESSAGES_IN_THREADS, true, "the owner sees private threads"),
        Arguments.of(ANA, Set.of(), THREAD, VIEW_CHANNEL, true, "a thread takes its parent's overwrites, not its own"),
        Arguments.of(ANA, Set.of(), THREAD, SEND_MESSAGES_IN_THREADS, true, "threads: SEND_MESSAGES_IN_THREADS from the parent"),
        Arguments.of(ANA, Set.of(), STAFF_THREAD, VIEW_CHANNEL, false, "a thread of a hidden channel is hidden"),
        Arguments.of(ANA, Set.of(MOD), STAFF_THREAD, VIEW_CHANNEL, true, "... and visible to who sees its parent"),
        Arguments.of(ANA, Set.of(), PRIVATE_THREAD, VIEW_CHANNEL, false, "a private thread needs MANAGE_THREADS (membership is not tracked)"),
        Arguments.of(ANA, Set.of(MOD), PRIVATE_THREAD, VIEW_CHANNEL, true, "MANAGE_THREADS sees private threads"),
        Arguments.of(ANA, Set.of(), ORPHAN_THREAD, VIEW_CHANNEL, false, "a thread whose parent is unknown is not shown"),
        Arguments.of(ANA, Set.of(), "499999999999999998", VIEW_CHANNEL, false, "an unknown channel is not shown"),
        Arguments.of(ANA, Set.of(), NO_VIEW_BUT_SEND, SEND_MESSAGES, false, "SEND_MESSAGES without VIEW_CHANNEL counts for nothing"),
        Arguments.of(ANA, Set.of(), LAYERED, SEND_MESSAGES, false, "@everyone overwrite deny"),
        Arguments.of(ANA, Set.of(MUTED), LAYERED, SEND_MESSAGES, false, "a role deny"),
        Arguments.of(ANA, Set.of(MUTED, HELPER), LAYERED, SEND_MESSAGES, true, "roles together: allow beats deny at the same level"),
        Arguments.of(ANA, Set.of(HELPER), LAYERED, ADD_REACTIONS, false, "the member overwrite beats the roles"),
        Arguments.of("200000000000000003", Set.of(HELPER), LAYERED, ADD_REACTIONS, true, "another member's overwrite does not apply"),
        Arguments.of(ANA, Set.of("399999999999999999"), GENERAL, VIEW_CHANNEL, true, "a role the guild does not have adds nothing"));
  }

  @ParameterizedTest(name = "{5}")
  @MethodSource("table")
  void discordsAlgorithm(String user, Set<String> roles, String channel, Permission p, boolean expected, String why) {
    assertEquals(expected, p.in(Permissions.inChannel(GUILD, user, roles, channel)), why);
  }

  @Test
  void sameLevelDenyAndAllowOnOneOverwriteAllowWins() {
    // Discord applies deny then allow of one overwrite: a bit in both ends allowed.
    var c = new GuildChannel(GENERAL, null, 0, List.of(Overwrite.member(ANA, SEND_MESSAGES.bit, SEND_MESSAGES.bit)));
    var g = new Guild(G, OWNER, Map.of(G, VIEW_CHANNEL.bit), Map.of(GENERAL, c));
    assertTrue(SEND_MESSAGES.in(Permissions.inChannel(g, ANA, Set.of(), GENERAL)));
  }

  @Test
  void denyOnTheRoleLevelBeatsEveryoneAllow() {
    var c = new GuildChannel(GENERAL, null, 0, List.of(Overwrite.role(G, SEND_MESSAGES.bit, 0),
        Overwrite.role(MUTED, 0, SEND_MESSAGES.bit)));
    var g = new Guild(G, OWNER, Map.of(G, VIEW_CHANNEL.bit, MUTED, 0L), Map.of(GENERAL, c));
    assertFalse(SEND_MESSAGES.in(Permissions.inChannel(g, ANA, Set.of(MUTED), GENERAL)));
    assertTrue(SEND_MESSAGES.in(Permissions.inChannel(g, ANA, Set.of(), GENERAL)));
  }

  @Test
  void baseIsEveryoneOrRolesAndAdministratorIsEverything() {
    assertEquals(CHAT | MANAGE_THREADS.bit, Permissions.base(GUILD, ANA, Set.of(MOD)));
    assertEquals(Permission.ALL, Permissions.base(GUILD, ANA, Set.of(ADMIN)));
    assertEquals(Permission.ALL, Permissions.base(GUILD, OWNER, Set.of()));
  }

  @Test
  void permissionSetsParseFromDiscordsDecimalStrings() {
    assertEquals(1L << 38 | 1L << 10, Permission.parse(String.valueOf(1L << 38 | 1L << 10)));
    assertEquals(-1L, Permission.parse("18446744073709551615"));
    assertEquals(0L, Permission.parse("not a number"));
    assertEquals(0L, Permission.parse(null));
  }
}
