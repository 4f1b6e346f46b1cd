package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.testing.Poll;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Contract section 9 on commands, a whole node in direct mode against the fake Discord: the caller
 * and the bot must hold the command's permissions in the channel; every refusal is a 403 with its
 * reason and permission, and no request of it reaches Discord's channel routes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DirectPermissionsTest {
  static final String TOKEN = "MTA5ODc2NDUyMzQwOTg3NjQ4Mg.Gx1234.direct-perms-test-token";
  static final String GUILD = "1181471853712130048";
  static final String TEXT = "1181471853712130052";
  static final String STAFF = "1181471853712130053";
  static final String THREAD = "1181471853712130070";
  static final String USER = "1181471853712130199";
  static final String MOD = "1181471853712130300";
  static final long VIEW = 1L << 10;
  static final long SEND = 1L << 11;
  static final long HISTORY = 1L << 16;
  static final long THREADS = 1L << 38;
  FakeDiscord discord;
  DirectNode direct;

  @BeforeEach
  void setUp() {
    direct = DirectNode.fake(TOKEN);
    discord = direct.discord;
    discord.guild(GUILD, List.of(TEXT, STAFF), List.<String[]>of(new String[] {THREAD, TEXT}));
  }

  @AfterEach
  void tearDown() {
    direct.close();
  }

  void startNode(Map<String, String> extra) throws Exception {
    Map<String, String> settings = new java.util.HashMap<>(Map.of("DISCORD_COMPRESS", "none",
        "RATE_LIMIT_USER", "1000/10s", "RATE_LIMIT_CHANNEL", "1000/10s")); // the polls send many commands
    settings.putAll(extra);
    direct.start("perms", settings);
    direct.awaitReady(200);
  }

  /** The guild's permission facts change as Discord tells them: a CHANNEL_UPDATE with these overwrites. */
  void overwrites(String channel, int type, String parent, JsonArray overwrites) {
    discord.gateway.dispatch(0, "CHANNEL_UPDATE", new JsonObject().put("id", channel).put("guild_id", GUILD)
        .put("type", type).put("parent_id", parent).put("permission_overwrites", overwrites)).await();
  }

  static JsonObject overwrite(String id, int type, long allow, long deny) {
    return new JsonObject().put("id", id).put("type", type).put("allow", Long.toString(allow)).put("deny", Long.toString(deny));
  }

  String token() {
    return direct.mint(USER, List.of(GUILD));
  }

  HttpResponse<String> get(String path) throws Exception {
    return direct.get(path, token());
  }

  HttpResponse<String> command(String name, String channel, JsonObject data) throws Exception {
    return direct.post("/api/commands/" + name, token(), data.copy().put("guildId", GUILD).put("channelId", channel),
        Duration.ofSeconds(20));
  }

  static JsonObject text(String content) {
    return new JsonObject().put("content", content);
  }

  static JsonObject reaction() {
    return new JsonObject().put("messageId", "1181471853712139001").put("emoji", new JsonObject().put("name", "👍").putNull("id"));
  }

  static JsonObject refusal(HttpResponse<String> r, String reason, String permission) {
    assertEquals(403, r.statusCode(), r.body());
    JsonObject e = new JsonObject(r.body()).getJsonObject("error");
    assertEquals("FORBIDDEN", e.getString("code"), e.encode());
    assertEquals(reason, e.getString("reason"), e.encode());
    assertEquals(permission, e.getString("permission"), e.encode());
    return e;
  }

  void nothingReachedTheChannels() {
    assertTrue(discord.rest.requests().stream().noneMatch(r -> r.path().contains("/channels/")),
        "a refused command reached Discord: " + discord.rest.requests());
  }

  @Test
  void theCallersMissingPermissionIsNamedAndNothingIsSent() throws Exception {
    startNode(Map.of());
    overwrites(STAFF, 0, null, new JsonArray().add(overwrite(GUILD, 0, 0, VIEW)));
    overwrites(TEXT, 0, null, new JsonArray().add(overwrite(USER, 1, 0, SEND | HISTORY | THREADS)));
    Poll.until(10_000, "the overwrites reached the holder", () -> {
      try {
        return command("typingStart", STAFF, new JsonObject()).statusCode() == 403;
      } catch (Exception e) {
        return false;
      }
    });
    refusal(command("typingStart", STAFF, new JsonObject()), "MISSING_PERMISSION", "VIEW_CHANNEL");
    refusal(command("sendMessage", STAFF, text("staff?")), "MISSING_PERMISSION", "VIEW_CHANNEL");
    refusal(command("sendMessage", TEXT, text("hi")), "MISSING_PERMISSION", "SEND_MESSAGES");
    refusal(command("typingStart", TEXT, new JsonObject()), "MISSING_PERMISSION", "SEND_MESSAGES");
    refusal(command("addReaction", TEXT, reaction()), "MISSING_PERMISSION", "READ_MESSAGE_HISTORY");
    refusal(command("sendMessage", THREAD, text("in a thread")), "MISSING_PERMISSION", "SEND_MESSAGES_IN_THREADS");
    nothingReachedTheChannels();
  }

  @Test
  void aThreadNeedsSendMessagesInThreadsNotSendMessages() throws Exception {
    startNode(Map.of());
    overwrites(TEXT, 0, null, new JsonArray().add(overwrite(USER, 1, 0, SEND)));
    Poll.until(10_000, "the overwrite reached the holder", () -> {
      try {
        return command("typingStart", TEXT, new JsonObject()).statusCode() == 403;
      } catch (Exception e) {
        return false;
      }
    });
    assertEquals(200, command("sendMessage", THREAD, text("threads are fine")).statusCode());
  }

  @Test
  void aUserWhoIsNotAMemberMayDoNothing() throws Exception {
    discord.rest.members.notMember(GUILD, USER);
    startNode(Map.of());
    refusal(command("sendMessage", TEXT, text("hi")), "MISSING_PERMISSION", "VIEW_CHANNEL");
    nothingReachedTheChannels();
    assertTrue(dev.discordbridge.ops.Metrics.registry().find("bridge_discord_member_lookups_total")
        .tag("outcome", "not_member").counter().count() >= 1, "the lookup is counted");
  }

  @Test
  void theBotsOwnMissingPermissionIsNamedAndNothingIsSent() throws Exception {
    discord.rest.members.denyBot(TEXT); // were it sent, Discord would answer 403 50013
    startNode(Map.of());
    overwrites(TEXT, 0, null, new JsonArray().add(overwrite(FakeDiscordGateway.BOT_USER_ID, 1, 0, SEND)));
    Poll.until(10_000, "the overwrite reached the holder", () -> {
      try {
        return command("typingStart", TEXT, new JsonObject()).statusCode() == 403;
      } catch (Exception e) {
        return false;
      }
    });
    refusal(command("sendMessage", TEXT, text("hi")), "BOT_MISSING_PERMISSION", "SEND_MESSAGES");
    nothingReachedTheChannels();
  }

  @Test
  void tokenModeJudgesCallersByTheirClaimsButStillChecksTheBot() throws Exception {
    startNode(Map.of("DISCORD_PERMISSIONS", "token"));
    overwrites(STAFF, 0, null, new JsonArray().add(overwrite(GUILD, 0, 0, VIEW))
        .add(overwrite(FakeDiscordGateway.BOT_USER_ID, 1, VIEW | SEND, 0)));
    overwrites(TEXT, 0, null, new JsonArray().add(overwrite(FakeDiscordGateway.BOT_USER_ID, 1, 0, SEND)));
    Poll.until(10_000, "the overwrites reached the holder", () -> {
      try {
        return command("typingStart", TEXT, new JsonObject()).statusCode() == 403;
      } catch (Exception e) {
        return false;
      }
    });
    assertEquals(200, command("sendMessage", STAFF, text("the token says so")).statusCode());
    refusal(command("sendMessage", TEXT, text("hi")), "BOT_MISSING_PERMISSION", "SEND_MESSAGES");
    assertTrue(discord.rest.requests("GET", "/members/" + USER).isEmpty(), "token mode never looks the caller up");
  }

  @Test
  void aRoleGrantedInDiscordAppliesWithinTheMemberTtl() throws Exception {
    startNode(Map.of("DISCORD_MEMBER_TTL_MS", "1000"));
    discord.gateway.dispatch(0, "GUILD_ROLE_CREATE", new JsonObject().put("guild_id", GUILD)
        .put("role", new JsonObject().put("id", MOD).put("permissions", "0"))).await();
    overwrites(STAFF, 0, null, new JsonArray().add(overwrite(GUILD, 0, 0, VIEW)).add(overwrite(MOD, 0, VIEW | SEND, 0))
        .add(overwrite(FakeDiscordGateway.BOT_USER_ID, 1, VIEW | SEND, 0)));
    Poll.until(10_000, "the overwrites reached the holder", () -> {
      try {
        return command("typingStart", STAFF, new JsonObject()).statusCode() == 403;
      } catch (Exception e) {
        return false;
      }
    });
    discord.rest.members.member(GUILD, USER, List.of(MOD));
    long granted = System.currentTimeMillis();
    Poll.until(10_000, "the role applies", () -> {
      try {
        return command("typingStart", STAFF, new JsonObject()).statusCode() == 200;
      } catch (Exception e) {
        return false;
      }
    });
    long took = System.currentTimeMillis() - granted;
    assertTrue(took < 1_000 + 2_000 + 1_500, "within the TTL + 2 s (+ margin for this loaded machine): " + took + " ms");
  }
}
