package dev.discordbridge.bus;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * The answer of {@link Addresses#COMMAND_SUBMIT}: delivered (with the hub's result), queued, or a
 * typed {@link Refusal}. Domain terms only: the edge maps it to HTTP (edge/CommandAnswers).
 * Also what an {@code Idempotency-Key} remembers ({@link #toJson()}); a replay comes back with
 * {@code replayed} set.
 */
public record CommandOutcome(Status status, String commandId, JsonObject result, Refusal refusal, boolean replayed) {

  public enum Status { DELIVERED, QUEUED, REFUSED }

  /** Why a command was refused (the error codes of contract section 3 the dispatcher decides). */
  public enum Code {
    VALIDATION_FAILED, UNAUTHENTICATED, FORBIDDEN, UNKNOWN_COMMAND, IDEMPOTENCY_IN_PROGRESS, RATE_LIMITED,
    QUEUE_SATURATED, SHUTTING_DOWN, SERVICE_UNAVAILABLE, UPSTREAM_REJECTED, INTERNAL
  }

  /** One invalid field: a dotted path ({@code emoji.id}) or a header name, and what is wrong with it. */
  public record FieldProblem(String field, String message) {
    public FieldProblem {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * A refusal: its code and human message, and the details that code carries (null when not):
   * the invalid {@code fields}, the {@code commandId} it concerns, the rate limit {@code scope},
   * how long to wait ({@code retryAfterMs}), the hub's {@code upstreamCode}, a {@code reason} and
   * the Discord {@code permission} a {@code MISSING_PERMISSION} refusal names (contract section 9).
   */
  public record Refusal(Code code, String message, List<FieldProblem> fields, String commandId, String scope,
                        Long retryAfterMs, String upstreamCode, String reason, String permission) {
    @com.fasterxml.jackson.annotation.JsonCreator
    public Refusal {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(message, "message");
      fields = fields == null ? null : List.copyOf(fields);
    }

    /** A refusal that names no permission. */
    public Refusal(Code code, String message, List<FieldProblem> fields, String commandId, String scope,
                   Long retryAfterMs, String upstreamCode, String reason) {
      this(code, message, fields, commandId, scope, retryAfterMs, upstreamCode, reason, null);
    }

    public static Refusal of(Code code, String message) {
      return new Refusal(code, message, null, null, null, null, null, null, null);
    }
  }

  public CommandOutcome {
    Objects.requireNonNull(status, "status");
    if ((status == Status.REFUSED) != (refusal != null)) {
      throw new IllegalArgumentException("a refusal comes with status REFUSED, and only then");
    }
    if (status != Status.REFUSED && commandId == null) {
      throw new IllegalArgumentException("a " + status + " outcome needs a commandId");
    }
  }

  public static CommandOutcome delivered(String commandId, JsonObject result) {
    return new CommandOutcome(Status.DELIVERED, commandId, result == null ? new JsonObject() : result, null, false);
  }

  public static CommandOutcome queued(String commandId) {
    return new CommandOutcome(Status.QUEUED, commandId, null, null, false);
  }

  public static CommandOutcome refused(Refusal refusal) {
    return new CommandOutcome(Status.REFUSED, refusal.commandId(), null, refusal, false);
  }

  /** The same outcome, answered again from an {@code Idempotency-Key}. */
  public CommandOutcome asReplay() {
    return new CommandOutcome(status, commandId, result, refusal, true);
  }

  public JsonObject toJson() {
    return JsonObject.mapFrom(this);
  }

  public static CommandOutcome fromJson(JsonObject o) {
    return o.mapTo(CommandOutcome.class);
  }
}
