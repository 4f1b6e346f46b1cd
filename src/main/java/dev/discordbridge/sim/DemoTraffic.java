package dev.discordbridge.sim;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Believable traffic over a {@link Roster}: messages, reactions to recent messages, typing, and
 * voice joins and leaves that stay consistent (a user is in at most one voice channel, leaves
 * only a channel it joined, and a {@code moved} leave is followed by a join elsewhere). Only the
 * roster's simulated people act ({@link Roster#simulated()}): never a user one can sign in as.
 */
public final class DemoTraffic {
  private static final String[] LINES = {
      "hi all", "anyone around?", "good morning ☀️", "brb, coffee", "that build is green again 🎉",
      "who's up for a game tonight?", "I pushed the fix, can someone review?", "lol", "same here",
      "did you see the release notes?", "works on my machine 🙃", "taking a break, back in 10",
      "the event loop is not the place for that call", "merged!", "voice in 5?", "ok", "thanks!",
      "does anyone have the link to the doc?", "I'll bring snacks", "gg", "what time is it there?",
      "new PR up: backoff with full jitter", "ship it", "can't hear you, mic muted?", "👀",
      "reminder: standup at 10", "that's a great idea", "hmm, not sure about that",
      "the stream ids only grow, right?", "see you tomorrow 👋"};
  private static final String[] EMOJI = {"👍", "❤️", "😂", "🎉", "🔥", "👀", "🙏"};

  private final Roster roster;
  private final List<Roster.User> actors;
  private final Random random;
  private final Map<String, Roster.Channel> voiceOf = new HashMap<>();
  private final Map<String, Deque<String>> recentMessages = new HashMap<>();

  public DemoTraffic(Roster roster, Random random) {
    this.roster = roster;
    this.actors = roster.simulated();
    if (actors.isEmpty()) {
      throw new IllegalArgumentException("the roster has no simulated people to animate");
    }
    this.random = random;
  }

  /** The next burst of events: one, or two for a move between voice channels. */
  public List<JsonObject> next() {
    int roll = random.nextInt(100);
    if (roll < 45) {
      return List.of(message());
    }
    if (roll < 65) {
      return List.of(typing());
    }
    if (roll < 80) {
      return reaction();
    }
    return voice();
  }

  /** Who is in which voice channel now (user id → channel id). */
  public Map<String, String> voiceMembership() {
    Map<String, String> out = new HashMap<>();
    voiceOf.forEach((u, c) -> out.put(u, c.id()));
    return out;
  }

  private JsonObject message() {
    Roster.Guild g = pick(roster.guilds());
    Roster.Channel c = pick(g.text());
    Roster.User u = pick(actors);
    String content = LINES[random.nextInt(LINES.length)];
    if (random.nextInt(6) == 0) {
      // Someone else: people do not @-mention themselves.
      List<Roster.User> others = roster.users().stream().filter(o -> !o.id().equals(u.id())).toList();
      content = "@" + pick(others).username() + " " + content;
    }
    JsonObject e = HubEvents.messageCreate(g.id(), c.id(), u.id(), u.username(), content);
    Deque<String> recent = recentMessages.computeIfAbsent(c.id(), k -> new ArrayDeque<>());
    recent.addFirst(e.getJsonObject("data").getString("messageId"));
    if (recent.size() > 20) {
      recent.removeLast();
    }
    return e;
  }

  private JsonObject typing() {
    Roster.Guild g = pick(roster.guilds());
    return HubEvents.typingStart(g.id(), pick(g.text()).id(), pick(actors).id());
  }

  private List<JsonObject> reaction() {
    List<String> channels = new ArrayList<>(recentMessages.keySet());
    if (channels.isEmpty()) {
      return List.of(message());
    }
    String channelId = channels.get(random.nextInt(channels.size()));
    List<String> messages = new ArrayList<>(recentMessages.get(channelId));
    String messageId = messages.get(random.nextInt(Math.min(5, messages.size())));
    if (!roster.emojis().isEmpty() && random.nextInt(8) == 0) {
      Roster.Emoji custom = pick(roster.emojis());
      return List.of(HubEvents.reactionAdd(roster.guildOf(channelId).id(), channelId, messageId,
          pick(actors).id(), custom.name(), custom.id()));
    }
    return List.of(HubEvents.reactionAdd(roster.guildOf(channelId).id(), channelId, messageId,
        pick(actors).id(), EMOJI[random.nextInt(EMOJI.length)], null));
  }

  private List<JsonObject> voice() {
    Roster.User u = pick(actors);
    Roster.Channel current = voiceOf.get(u.id());
    if (current == null) {
      Roster.Guild g = pick(roster.guilds());
      Roster.Channel target = pick(g.voice());
      voiceOf.put(u.id(), target);
      return List.of(HubEvents.voiceJoined(g.id(), target.id(), u.id(), u.username()));
    }
    Roster.Guild g = roster.guildOf(current.id());
    int roll = random.nextInt(100);
    String reason = roll < 55 ? "left" : roll < 75 ? "disconnected" : roll < 90 ? "moved" : "kicked";
    List<Roster.Channel> others = g.voice().stream().filter(c -> !c.id().equals(current.id())).toList();
    if ("moved".equals(reason) && others.isEmpty()) {
      reason = "left";
    }
    JsonObject leave = HubEvents.voiceLeft(g.id(), current.id(), u.id(), reason);
    if (!"moved".equals(reason)) {
      voiceOf.remove(u.id());
      return List.of(leave);
    }
    Roster.Channel target = pick(others);
    voiceOf.put(u.id(), target);
    return List.of(leave, HubEvents.voiceJoined(g.id(), target.id(), u.id(), u.username()));
  }

  private <T> T pick(List<T> items) {
    return items.get(random.nextInt(items.size()));
  }
}
