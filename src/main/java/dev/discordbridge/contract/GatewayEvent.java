package dev.discordbridge.contract;

import io.vertx.core.json.JsonObject;
import java.util.function.Predicate;

/**
 * An event as the hub sends it inside an {@code event} frame, validated and cleaned: a known
 * event keeps exactly the fields the contract lists; an unknown one passes only when allowed.
 *
 * @param occurredAt epoch millis
 * @param traceId the hub's trace id, or a fresh one when the hub sent none (or a malformed one)
 */
public record GatewayEvent(String id, String name, String guildId, String channelId,
                           long occurredAt, JsonObject data, String traceId) {

  public static final int MAX_UNKNOWN_DATA_CHARS = 16_384;

  /**
   * Validates {@code event} (the object inside an {@code event} frame).
   *
   * @param allowUnknown which unknown event names the operator lets through
   * @throws ContractViolation with reason {@code bad_event} or {@code unknown_event}
   */
  public static GatewayEvent fromJson(Object raw, Predicate<String> allowUnknown) {
    if (!(raw instanceof JsonObject e)) {
      throw new ContractViolation("bad_event", "event", "event must be an object");
    }
    try {
      if (!Ids.isOpaqueId(e.getValue("id"))) {
        throw ContractViolation.field("id", "must be 1 to 128 characters of [A-Za-z0-9._:-]");
      }
      Object nameValue = e.getValue("name");
      if (!(nameValue instanceof String name) || name.isEmpty() || name.length() > 64) {
        throw ContractViolation.field("name", "must be a non-empty string");
      }
      String guildId = EventName.snowflake(e.getValue("guildId"), "guildId");
      String channelId = EventName.snowflake(e.getValue("channelId"), "channelId");
      long occurredAt = Times.parse("occurredAt", e.getValue("occurredAt"));
      Object dataValue = e.getValue("data");
      if (!(dataValue instanceof JsonObject data)) {
        throw ContractViolation.field("data", "must be an object");
      }
      EventName known = EventName.of(name);
      JsonObject shaped;
      if (known != null) {
        shaped = known.shape(data);
      } else if (allowUnknown.test(name) && name.matches("[A-Za-z0-9._:-]+")) {
        if (data.encode().length() > MAX_UNKNOWN_DATA_CHARS) {
          throw ContractViolation.field("data", "is larger than " + MAX_UNKNOWN_DATA_CHARS + " characters");
        }
        shaped = data.copy();
      } else {
        throw new ContractViolation("unknown_event", "name", "unknown event name \"" + printable(name) + "\"");
      }
      Object trace = e.getValue("trace");
      String traceId = trace instanceof JsonObject t && Ids.isTraceId(t.getValue("traceId"))
          ? t.getString("traceId") : Ids.newTraceId();
      return new GatewayEvent(e.getString("id"), name, guildId, channelId, occurredAt, shaped, traceId);
    } catch (ContractViolation v) {
      if ("bad_field".equals(v.reason())) {
        throw new ContractViolation("bad_event", v.field(), "event." + v.getMessage());
      }
      throw v;
    }
  }

  public boolean ephemeral() {
    EventName known = EventName.of(name);
    return known != null && known.ephemeral();
  }

  /** The contract's shape of an event (what a hub sends). */
  public JsonObject toJson() {
    return head(id, name, guildId, channelId)
        .put("occurredAt", Times.format(occurredAt))
        .put("data", data)
        .put("trace", new JsonObject().put("traceId", traceId));
  }

  /** The fields events and commands open with, in the contract's order. */
  static JsonObject head(String id, String name, String guildId, String channelId) {
    return new JsonObject().put("id", id).put("name", name).put("guildId", guildId).put("channelId", channelId);
  }

  static String printable(String s) {
    String clean = Text.cleanName(s);
    return clean.length() > 64 ? clean.substring(0, 64) + "…" : clean;
  }
}
