package dev.discordbridge.bus;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * {@link Addresses#COMMAND_SUBMIT}: a {@code POST /api/commands/{name}} as the edge received it,
 * after authentication and body parsing. The dispatcher answers with a {@link CommandOutcome}.
 *
 * @param traceId the request's trace id (32 hex)
 * @param name the command name from the path (not yet checked against the known commands)
 * @param userId the authenticated caller (null: no identity came with the request)
 * @param guilds the guilds the caller may act in
 * @param channels the channels the caller's token narrows it to ({@code channels} claim), or null
 * @param via how the caller authenticated ({@code header}, {@code cookie}, ...)
 * @param body the JSON object the client posted (contract payload, validated by the dispatcher)
 * @param idempotencyKey the {@code Idempotency-Key} header, or null
 * @param traceparent the W3C {@code traceparent} header, or null
 * @param displayName the caller's display name from the token's profile claims, or null
 * @param avatarUrl the caller's avatar URL from the token's profile claims, or null
 */
public record CommandRequest(String traceId, String name, String userId, List<String> guilds, List<String> channels,
                             String via, JsonObject body, String idempotencyKey, String traceparent, String displayName,
                             String avatarUrl) {
  @com.fasterxml.jackson.annotation.JsonCreator
  public CommandRequest {
    Objects.requireNonNull(traceId, "traceId");
    guilds = guilds == null ? List.of() : List.copyOf(guilds);
    channels = channels == null ? null : List.copyOf(channels);
    body = body == null ? new JsonObject() : body;
  }

  /** A request without profile claims. */
  public CommandRequest(String traceId, String name, String userId, List<String> guilds, List<String> channels,
                        String via, JsonObject body, String idempotencyKey, String traceparent) {
    this(traceId, name, userId, guilds, channels, via, body, idempotencyKey, traceparent, null, null);
  }

  /** A request from a caller whose token has no {@code channels} claim and no profile claims. */
  public CommandRequest(String traceId, String name, String userId, List<String> guilds, String via,
                        JsonObject body, String idempotencyKey, String traceparent) {
    this(traceId, name, userId, guilds, null, via, body, idempotencyKey, traceparent, null, null);
  }
}
