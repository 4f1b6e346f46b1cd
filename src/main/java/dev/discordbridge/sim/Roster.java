package dev.discordbridge.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The demo world of the simulated hub: guilds with text and voice channels, and users. The ids
 * are fixed snowflakes, so that the page, the docs and tests can name them.
 *
 * <p>Users are of two kinds. <em>Demo users</em> ({@code simulated=false}) are the people you can
 * sign in as (the page's sign-in list, {@code /api/demo/token?user=}); the simulator never speaks,
 * reacts, types or moves as them: only your own actions (and the demo dropout you ask for) do.
 * <em>Simulated people</em> ({@code simulated=true}) make the traffic and cannot be signed in as.
 */
public record Roster(List<Guild> guilds, List<User> users, List<Emoji> emojis) {

  public record Channel(String id, String name, String type, String guildId) {
    public boolean voice() { return "voice".equals(type); }
  }

  public record Guild(String id, String name, List<Channel> channels) {
    public List<Channel> text() { return channels.stream().filter(c -> !c.voice()).toList(); }

    public List<Channel> voice() { return channels.stream().filter(Channel::voice).toList(); }
  }

  /** @param simulated true: animated by the simulator, never offered for sign-in */
  public record User(String id, String username, boolean simulated) {}

  /**
   * A custom emoji of the demo guilds. Real ones are images on Discord's CDN by id; the demo's
   * id is made up, so its image is served by the bridge's page ({@code url}), keeping the demo
   * free of failed requests.
   */
  public record Emoji(String id, String name, String url) {}

  public static final String NIGHT_OWLS = "1181471853712130048";
  public static final String VERTX_BUILDERS = "1203344107853062144";
  public static final String BOARD_GAMES = "1226119560301314048";

  public static final Roster DEMO = new Roster(List.of(
      guild(NIGHT_OWLS, "Night Owls",
          text(NIGHT_OWLS, "1181471853712130052", "general"),
          text(NIGHT_OWLS, "1181471853712130053", "random"),
          voice(NIGHT_OWLS, "1181471853712130054", "Lounge"),
          voice(NIGHT_OWLS, "1181471853712130055", "Late Night")),
      guild(VERTX_BUILDERS, "Vert.x Builders",
          text(VERTX_BUILDERS, "1203344107853062148", "general"),
          text(VERTX_BUILDERS, "1203344107853062149", "help"),
          voice(VERTX_BUILDERS, "1203344107853062150", "Pairing"),
          voice(VERTX_BUILDERS, "1203344107853062151", "Standup")),
      guild(BOARD_GAMES, "Board Game Night",
          text(BOARD_GAMES, "1226119560301314052", "general"),
          text(BOARD_GAMES, "1226119560301314053", "scheduling"),
          voice(BOARD_GAMES, "1226119560301314054", "Table 1"))),
      List.of(
          new User("1098764523409876481", "ana", false),
          new User("1098764523409876482", "bruno", false),
          new User("1101938475610293847", "chen", false),
          new User("1107742619034856192", "dara", true),
          new User("1112233445566778899", "emeka", true),
          new User("1119283746501928374", "farah", true),
          new User("1123456789012345678", "gus", true),
          new User("1130987654321098765", "hana", true)),
      List.of(new Emoji("1189001122334455667", "blobwave", "/demo/emoji/blobwave.svg")));

  /** The people the simulator animates. */
  public List<User> simulated() {
    return users.stream().filter(User::simulated).toList();
  }

  /** The roster user with this id, or null. */
  public User user(String userId) {
    return users.stream().filter(u -> u.id().equals(userId)).findFirst().orElse(null);
  }

  public String username(String userId) {
    return users.stream().filter(u -> u.id().equals(userId)).map(User::username).findFirst()
        .orElse("user" + userId.substring(Math.max(0, userId.length() - 4)));
  }

  public Guild guildOf(String channelId) {
    return guilds.stream().filter(g -> g.channels().stream().anyMatch(c -> c.id().equals(channelId))).findFirst().orElse(null);
  }

  /** The {@code bridge.demo.roster} reply (docs/architecture.md). */
  public JsonObject toJson() {
    JsonArray gs = new JsonArray();
    for (Guild g : guilds) {
      JsonArray cs = new JsonArray();
      g.channels().forEach(c -> cs.add(new JsonObject().put("id", c.id()).put("name", c.name()).put("type", c.type())));
      gs.add(new JsonObject().put("id", g.id()).put("name", g.name()).put("channels", cs));
    }
    JsonArray us = new JsonArray();
    users.forEach(u -> us.add(new JsonObject().put("id", u.id()).put("username", u.username()).put("simulated", u.simulated())));
    JsonArray es = new JsonArray();
    emojis.forEach(e -> es.add(new JsonObject().put("id", e.id()).put("name", e.name()).put("url", e.url())));
    return new JsonObject().put("guilds", gs).put("users", us).put("emojis", es);
  }

  private static Guild guild(String id, String name, Channel... channels) {
    return new Guild(id, name, List.of(channels));
  }

  private static Channel text(String guildId, String id, String name) {
    return new Channel(id, name, "text", guildId);
  }

  private static Channel voice(String guildId, String id, String name) {
    return new Channel(id, name, "voice", guildId);
  }
}
