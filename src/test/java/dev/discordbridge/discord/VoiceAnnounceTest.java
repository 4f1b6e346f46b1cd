package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who is in voice is told again after a reset, for the guilds of the shards held; the others are forgotten. */
class VoiceAnnounceTest {
  static final String G0 = "1181471853712130048";
  static final String G1 = "1181471853716324352"; // G0 + (1 << 22): the other shard of two

  static JsonObject guild(String id, String user, String channel) {
    return new JsonObject().put("id", id).put("voice_states", new JsonArray()
        .add(new JsonObject().put("user_id", user).put("channel_id", channel)))
        .put("members", new JsonArray().add(new JsonObject().put("user", new JsonObject().put("id", user).put("username", "u" + user))));
  }

  @Test
  void heldShardsAreAnnouncedAndTheOthersForgotten() {
    var mapper = new DispatchMapper();
    mapper.map("GUILD_CREATE", guild(G0, "1181471853712130101", "1181471853712130060"), "s", 1, 0);
    mapper.map("GUILD_CREATE", guild(G1, "1181471853712130102", "1181471853712130061"), "s", 2, 0);
    int shard0 = (int) ((Long.parseLong(G0) >> 22) % 2);
    var byShard = mapper.announceAfterReset(g -> (int) ((Long.parseLong(g) >> 22) % 2), s -> s == shard0, "dsc.voice.r1", 0);
    assertEquals(List.of(shard0), List.copyOf(byShard.keySet()));
    var joined = byShard.get(shard0).get(0);
    assertEquals("voice.joined", joined.name());
    assertEquals("1181471853712130101", joined.data().getString("userId"));
    assertTrue(joined.id().startsWith("dsc.voice.r1."), joined.id());
    assertEquals(Map.of(), mapper.voiceStates().members(G1), "the other shard's guild is forgotten: its holder tells it");
    assertEquals(1, mapper.voiceStates().members(G0).size());
  }
}
