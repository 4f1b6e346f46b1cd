package dev.discordbridge.command;

import io.vertx.core.json.JsonObject;

/** How a queued command ended: {@code result} when delivered, the hub's (last) {@code error} otherwise. */
record Outcome(Kind kind, JsonObject result, JsonObject error, int attempts) {
  enum Kind { DELIVERED, REJECTED, FAILED, EXPIRED }
}
