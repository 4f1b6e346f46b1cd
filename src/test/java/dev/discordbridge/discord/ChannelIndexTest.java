package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.discordbridge.bus.ChannelUpdate.Kind;
import dev.discordbridge.bus.ChannelUpdate;
import dev.discordbridge.discord.ChannelIndex.Verdict;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The channel index from the gateway's dispatches (ChannelFacts), and its verdicts. */
class ChannelIndexTest {
  static final String G = "1181471853712130048";
  static final String H = "1181471853712130400";
  static final String TEXT = "1181471853712130052";
  static final String OTHER = "1181471853712130053";
  static final String THREAD = "1181471853712130070";
  static final String H_TEXT = "1181471853712130401";

  final ChannelIndex index = new ChannelIndex();

  void dispatch(String type, JsonObject d) {
    ChannelUpdate u = ChannelFacts.of(type, d, "n1");
    if (u != null) {
      index.apply(u);
    }
  }

  static JsonObject channel(String id, int type, String parent) {
    return new JsonObject().put("id", id).put("type", type).put("parent_id", parent);
  }

  void guildCreate(String guild, JsonArray channels, JsonArray threads) {
    dispatch("GUILD_CREATE", new JsonObject().put("id", guild).put("channels", channels).put("threads", threads));
  }

  @Test
  void aGuildCreateMakesTheGuildCompleteWithItsChannelsAndThreads() {
    assertEquals(Verdict.GUILD_UNKNOWN, index.check(G, TEXT));
    guildCreate(G, new JsonArray().add(channel(TEXT, 0, null)), new JsonArray().add(channel(THREAD, 11, TEXT)));
    assertEquals(Verdict.IN_GUILD, index.check(G, TEXT));
    assertEquals(Verdict.IN_GUILD, index.check(G, THREAD));
    assertEquals(new ChannelIndex.Entry(G, TEXT, 11), index.channel(THREAD));
    assertEquals(Verdict.NOT_IN_GUILD, index.check(G, OTHER), "a complete guild lists all its channels");
    assertEquals(Verdict.NOT_IN_GUILD, index.check(H, TEXT), "a known channel of another guild");
    assertEquals(Verdict.GUILD_UNKNOWN, index.check(H, H_TEXT));
  }

  @Test
  void channelAndThreadChangesAndDeletionsFollow() {
    guildCreate(G, new JsonArray().add(channel(TEXT, 0, null)), new JsonArray());
    dispatch("CHANNEL_CREATE", channel(OTHER, 0, null).put("guild_id", G));
    dispatch("THREAD_CREATE", channel(THREAD, 11, TEXT).put("guild_id", G));
    assertEquals(Verdict.IN_GUILD, index.check(G, OTHER));
    assertEquals(Verdict.IN_GUILD, index.check(G, THREAD));
    dispatch("CHANNEL_DELETE", channel(TEXT, 0, null).put("guild_id", G));
    assertEquals(Verdict.NOT_IN_GUILD, index.check(G, TEXT));
    assertEquals(Verdict.NOT_IN_GUILD, index.check(G, THREAD), "a deleted channel's threads go with it");
    dispatch("THREAD_LIST_SYNC", new JsonObject().put("guild_id", G)
        .put("threads", new JsonArray().add(channel(THREAD, 11, OTHER).put("guild_id", G))));
    assertEquals(Verdict.IN_GUILD, index.check(G, THREAD));
    dispatch("THREAD_DELETE", new JsonObject().put("id", THREAD).put("guild_id", G).put("parent_id", OTHER).put("type", 11));
    assertEquals(Verdict.NOT_IN_GUILD, index.check(G, THREAD));
  }

  @Test
  void aDmChannelAndAnOutageChangeNothingButLeavingForgetsTheGuild() {
    guildCreate(G, new JsonArray().add(channel(TEXT, 0, null)), new JsonArray());
    dispatch("CHANNEL_CREATE", channel(OTHER, 1, null)); // a DM: no guild_id
    assertNull(index.channel(OTHER));
    dispatch("GUILD_DELETE", new JsonObject().put("id", G).put("unavailable", true));
    assertEquals(Verdict.IN_GUILD, index.check(G, TEXT), "an outage is not a departure");
    dispatch("GUILD_DELETE", new JsonObject().put("id", G));
    assertEquals(Verdict.GUILD_UNKNOWN, index.check(G, TEXT));
    assertNull(index.channel(TEXT));
  }

  @Test
  void aSnapshotTeachesOnlyANodeThatDidNotKnowTheGuildWhole() {
    // A node that starts heard one change before the snapshot: both count.
    index.apply(new ChannelUpdate(Kind.UPSERT, G, List.of(new ChannelUpdate.Channel(THREAD, TEXT, 11)), null, "n2"));
    index.apply(new ChannelUpdate(Kind.SNAPSHOT, G, List.of(new ChannelUpdate.Channel(TEXT, null, 0)), null, "n1"));
    assertEquals(Verdict.IN_GUILD, index.check(G, TEXT));
    assertEquals(Verdict.IN_GUILD, index.check(G, THREAD));
    // Once whole, a late snapshot changes nothing (what this node follows is newer).
    index.apply(new ChannelUpdate(Kind.SNAPSHOT, G, List.of(new ChannelUpdate.Channel(OTHER, null, 0)), null, "n1"));
    assertEquals(Verdict.NOT_IN_GUILD, index.check(G, OTHER));
    assertEquals(2, index.snapshot(G).size());
  }
}
