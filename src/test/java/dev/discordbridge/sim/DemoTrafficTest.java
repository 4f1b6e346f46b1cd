package dev.discordbridge.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.contract.GatewayEvent;
import dev.discordbridge.contract.Ids;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoTrafficTest {

  @Test
  void trafficIsValidVariedAndVoiceMembershipStaysConsistent() {
    var traffic = new DemoTraffic(Roster.DEMO, new Random(1234));
    Map<String, String> inVoice = new HashMap<>();
    Set<String> names = new HashSet<>();
    Set<String> reasons = new HashSet<>();
    Set<String> contents = new HashSet<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 5_000; i++) {
      List<JsonObject> burst = traffic.next();
      for (int j = 0; j < burst.size(); j++) {
        JsonObject raw = burst.get(j);
        GatewayEvent e = GatewayEvent.fromJson(raw, n -> false); // throws if a generated event breaks the contract
        assertTrue(ids.add(e.id()), "event ids are unique");
        names.add(e.name());
        Roster.Guild guild = Roster.DEMO.guildOf(e.channelId());
        assertNotNull(guild, "channel " + e.channelId() + " is in the roster");
        assertEquals(guild.id(), e.guildId());
        String user = e.data().getString("userId");
        String actor = "messageCreate".equals(e.name()) ? e.data().getJsonObject("author").getString("id") : user;
        assertTrue(Roster.DEMO.user(actor).simulated(), e.name() + " by " + actor + ": only simulated people act, never a demo user");
        switch (e.name()) {
          case "messageCreate" -> contents.add(e.data().getString("content"));
          case "voice.joined" -> {
            assertNull(inVoice.get(user), "a user joins only when in no voice channel");
            assertEquals(e.channelId(), e.data().getString("channelId"));
            assertTrue(guild.voice().stream().anyMatch(c -> c.id().equals(e.channelId())));
            inVoice.put(user, e.channelId());
          }
          case "voice.left" -> {
            assertEquals(inVoice.get(user), e.channelId(), "a user leaves the channel it is in");
            String reason = e.data().getString("reason");
            reasons.add(reason);
            inVoice.remove(user);
            if ("moved".equals(reason)) {
              assertEquals(j, 0);
              assertEquals(2, burst.size(), "a move is followed by a join");
              JsonObject join = burst.get(1);
              assertEquals("voice.joined", join.getString("name"));
              assertEquals(user, join.getJsonObject("data").getString("userId"));
              assertEquals(e.guildId(), join.getString("guildId"));
              assertTrue(!e.channelId().equals(join.getString("channelId")), "moved elsewhere");
            }
          }
          default -> { }
        }
      }
    }
    assertEquals(Set.of("messageCreate", "reactionAdd", "typingStart", "voice.joined", "voice.left"), names);
    assertEquals(Set.of("left", "disconnected", "moved", "kicked"), reasons);
    assertTrue(contents.size() >= 20, "varied content: " + contents.size());
    assertEquals(inVoice, traffic.voiceMembership());
  }

  @Test
  void nobodyMentionsThemselves() {
    var traffic = new DemoTraffic(Roster.DEMO, new Random(99));
    int mentions = 0;
    for (int i = 0; i < 5_000; i++) {
      for (JsonObject raw : traffic.next()) {
        JsonObject data = raw.getJsonObject("data");
        if (!"messageCreate".equals(raw.getString("name")) || !data.getString("content").startsWith("@")) {
          continue;
        }
        mentions++;
        String author = data.getJsonObject("author").getString("username");
        assertTrue(!data.getString("content").startsWith("@" + author + " "),
            author + " mentions themselves: " + data.getString("content"));
      }
    }
    assertTrue(mentions >= 50, "mentions happen: " + mentions);
  }

  @Test
  void theRosterHasFixedSnowflakes() {
    Roster r = Roster.DEMO;
    assertTrue(r.guilds().size() >= 2 && r.guilds().size() <= 3);
    assertEquals(8, r.users().size());
    Set<String> ids = new HashSet<>();
    for (Roster.Guild g : r.guilds()) {
      assertTrue(Ids.isSnowflake(g.id()) && ids.add(g.id()));
      assertTrue(!g.text().isEmpty() && !g.voice().isEmpty());
      g.channels().forEach(c -> assertTrue(Ids.isSnowflake(c.id()) && ids.add(c.id())));
    }
    r.users().forEach(u -> assertTrue(Ids.isSnowflake(u.id()) && ids.add(u.id())));
    JsonObject json = r.toJson();
    assertEquals("Night Owls", json.getJsonArray("guilds").getJsonObject(0).getString("name"));
    assertEquals("voice", json.getJsonArray("guilds").getJsonObject(0).getJsonArray("channels").getJsonObject(2).getString("type"));
    assertEquals(json, Roster.DEMO.toJson(), "deterministic");
  }

  @Test
  void snowflakesAreUniqueAndLookLikeDiscords() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String s = Snowflakes.next();
      assertTrue(Ids.isSnowflake(s), s);
      assertTrue(seen.add(s));
    }
  }
}
