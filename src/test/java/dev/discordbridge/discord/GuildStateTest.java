package dev.discordbridge.discord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.discordbridge.access.GuildBook;
import dev.discordbridge.access.Permission;
import dev.discordbridge.access.Permissions;
import dev.discordbridge.bus.ChannelUpdate;
import dev.discordbridge.bus.RecordCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The guilds' permission state kept from the gateway's dispatches (ChannelFacts → ChannelUpdate → GuildBook). */
class GuildStateTest {
  static final String G = "1181471853712130048";
  static final String OWNER = "1181471853712130001";
  static final String ANA = "1181471853712130002";
  static final String MOD = "1181471853712130100";
  static final String GENERAL = "1181471853712130052";
  static final String STAFF = "1181471853712130053";
  static final String THREAD = "1181471853712130070";
  static final long VIEW = Permission.VIEW_CHANNEL.bit;
  static final long SEND = Permission.SEND_MESSAGES.bit;

  final GuildBook book = new GuildBook();

  boolean dispatch(String type, JsonObject d) {
    ChannelUpdate u = ChannelFacts.of(type, d, "n1");
    return u != null && roundTrip(u).applyTo(book);
  }

  /** Every update crosses the cluster as JSON: what arrives must be what left. */
  static ChannelUpdate roundTrip(ChannelUpdate u) {
    var codec = new RecordCodec<>(ChannelUpdate.class);
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, u);
    ChannelUpdate back = codec.decodeFromWire(0, wire);
    assertEquals(u, back);
    return back;
  }

  static JsonObject role(String id, long permissions) {
    return new JsonObject().put("id", id).put("name", "r").put("permissions", Long.toUnsignedString(permissions));
  }

  static JsonObject overwrite(String id, int type, long allow, long deny) {
    return new JsonObject().put("id", id).put("type", type).put("allow", String.valueOf(allow)).put("deny", String.valueOf(deny));
  }

  void guildCreate() {
    dispatch("GUILD_CREATE", new JsonObject().put("id", G).put("owner_id", OWNER)
        .put("roles", new JsonArray().add(role(G, VIEW | SEND)).add(role(MOD, 0)))
        .put("channels", new JsonArray()
            .add(new JsonObject().put("id", GENERAL).put("type", 0))
            .add(new JsonObject().put("id", STAFF).put("type", 0).put("permission_overwrites", new JsonArray()
                .add(overwrite(G, 0, 0, VIEW)).add(overwrite(MOD, 0, VIEW, 0)))))
        .put("threads", new JsonArray().add(new JsonObject().put("id", THREAD).put("type", 11).put("parent_id", STAFF))));
  }

  boolean sees(String user, Set<String> roles, String channel) {
    return Permissions.canView(book.guild(G), user, roles, channel);
  }

  @Test
  void guildCreateGivesOwnerRolesOverwritesAndThreads() {
    guildCreate();
    assertTrue(book.complete(G));
    assertEquals(OWNER, book.guild(G).ownerId());
    assertTrue(sees(ANA, Set.of(), GENERAL));
    assertFalse(sees(ANA, Set.of(), STAFF));
    assertFalse(sees(ANA, Set.of(), THREAD), "a thread of a hidden channel");
    assertTrue(sees(ANA, Set.of(MOD), THREAD));
    assertTrue(sees(OWNER, Set.of(), STAFF));
  }

  @Test
  void roleAndOverwriteChangesApply() {
    guildCreate();
    long before = book.version();
    assertTrue(dispatch("GUILD_ROLE_UPDATE", new JsonObject().put("guild_id", G).put("role", role(MOD, Permission.ADMINISTRATOR.bit))));
    assertTrue(book.version() > before);
    assertTrue(Permission.SEND_MESSAGES_IN_THREADS.in(Permissions.inChannel(book.guild(G), ANA, Set.of(MOD), STAFF)));
    assertTrue(dispatch("GUILD_ROLE_DELETE", new JsonObject().put("guild_id", G).put("role_id", MOD)));
    assertFalse(sees(ANA, Set.of(MOD), STAFF), "a deleted role gives nothing");
    // the staff channel opens to ana alone by a member overwrite
    assertTrue(dispatch("CHANNEL_UPDATE", new JsonObject().put("id", STAFF).put("guild_id", G).put("type", 0)
        .put("permission_overwrites", new JsonArray().add(overwrite(G, 0, 0, VIEW)).add(overwrite(ANA, 1, VIEW, 0)))));
    assertTrue(sees(ANA, Set.of(), STAFF));
    assertFalse(sees("1181471853712130003", Set.of(), STAFF));
    assertFalse(dispatch("CHANNEL_UPDATE", new JsonObject().put("id", STAFF).put("guild_id", G).put("type", 0)
        .put("permission_overwrites", new JsonArray().add(overwrite(G, 0, 0, VIEW)).add(overwrite(ANA, 1, VIEW, 0)))),
        "the same state again changes nothing (no recomputation)");
  }

  @Test
  void ownerChangesAndDeletionsApply() {
    guildCreate();
    assertTrue(dispatch("GUILD_UPDATE", new JsonObject().put("id", G).put("owner_id", ANA)
        .put("roles", new JsonArray().add(role(G, VIEW | SEND)).add(role(MOD, 0)))));
    assertTrue(sees(ANA, Set.of(), STAFF), "the new owner sees everything");
    assertTrue(dispatch("CHANNEL_DELETE", new JsonObject().put("id", STAFF).put("guild_id", G).put("type", 0)));
    assertNull(book.guild(G).channel(STAFF));
    assertNull(book.guild(G).channel(THREAD), "its threads go with it");
    assertTrue(dispatch("GUILD_DELETE", new JsonObject().put("id", G)));
    assertNull(book.guild(G));
    assertFalse(book.complete(G));
  }

  @Test
  void aSnapshotFillsALateBookAndChangesNothingInAFullOne() {
    guildCreate();
    var late = new GuildBook();
    assertTrue(roundTrip(ChannelUpdate.snapshotOf(book.guild(G))).applyTo(late));
    assertEquals(book.guild(G), late.guild(G));
    assertFalse(ChannelUpdate.snapshotOf(book.guild(G)).applyTo(book));
  }
}
