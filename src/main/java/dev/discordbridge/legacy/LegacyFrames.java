package dev.discordbridge.legacy;

import dev.discordbridge.contract.Ids;
import dev.discordbridge.contract.StreamEvent;
import dev.discordbridge.contract.Times;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The legacy socket protocol (CONTRACT section 5): what a client may send, and the frames the
 * bridge writes. Pure functions, no Vert.x state.
 */
public final class LegacyFrames {
  private LegacyFrames() {}

  /** A parsed client frame: a subscription request, a ping, or an error to answer with. */
  public sealed interface Inbound permits Subscribe, Ping, Invalid {}

  public record Subscribe(String guildId) implements Inbound {}

  public record Ping() implements Inbound {}

  public record Invalid(String code, String message) implements Inbound {}

  public static Inbound parse(String text) {
    if (text == null) {
      return new Invalid("MALFORMED", "a frame must be a JSON object");
    }
    JsonObject o;
    try {
      o = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      return new Invalid("MALFORMED", "a frame must be a JSON object");
    }
    Object type = o.getValue("type");
    if ("subscribe".equals(type)) {
      Object guild = o.getValue("guildId");
      return Ids.isSnowflake(guild) ? new Subscribe((String) guild)
          : new Invalid("MALFORMED", "subscribe needs a guildId (a snowflake string)");
    }
    if ("ping".equals(type)) {
      return new Ping();
    }
    return new Invalid("UNKNOWN_TYPE", "known frame types: subscribe, ping");
  }

  public static String subscribed(String guildId) {
    return new JsonObject().put("type", "subscribed").put("guildId", guildId).encode();
  }

  public static String pong() {
    return new JsonObject().put("type", "pong").put("at", Times.now()).encode();
  }

  public static String error(String code, String message) {
    return new JsonObject().put("type", "error").put("code", code).put("message", message).encode();
  }

  /**
   * The legacy frame for a voice event, or null for any other event.
   *
   * @param knownUsername the username remembered from the user's last join (voice.left carries none)
   */
  public static String voice(StreamEvent e, String knownUsername) {
    if (e.kind() != StreamEvent.Kind.EVENT || e.data() == null) {
      return null;
    }
    boolean joined = "voice.joined".equals(e.name());
    if (!joined && !"voice.left".equals(e.name())) {
      return null;
    }
    JsonObject d = e.data();
    return new JsonObject()
        .put("type", e.name())
        .put("guildId", e.guildId())
        .put("channelId", d.getString("channelId", e.channelId()))
        .put("userId", d.getString("userId"))
        .put("username", joined ? d.getString("username") : knownUsername)
        .put("reason", joined ? null : d.getString("reason"))
        .put("at", Times.format(e.occurredAt()))
        .encode();
  }
}
