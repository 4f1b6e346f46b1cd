package dev.discordbridge.bus;

import dev.discordbridge.contract.GatewayCommand;
import java.util.Objects;

/**
 * {@link Addresses#COMMAND_ADMIT} (local only): a command that passed validation and authorization,
 * from a dispatcher instance to the node's one command queue, with the request's
 * {@code Idempotency-Key} (null when none). Answered with a {@link CommandOutcome}.
 */
public record CommandAdmission(GatewayCommand command, String idempotencyKey) {
  public CommandAdmission {
    Objects.requireNonNull(command, "command");
  }
}
