package dev.discordbridge.command;

import io.vertx.core.json.JsonObject;

/** One entry of a 400's {@code fields}: a dotted field path ({@code emoji.id}) and what is wrong with it. */
public record FieldError(String field, String message) {
  public JsonObject toJson() {
    return new JsonObject().put("field", field).put("message", message);
  }
}
