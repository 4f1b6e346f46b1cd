package dev.discordbridge.contract;

/**
 * Input that breaks the contract. {@code reason} is a short, stable, metric-friendly code
 * (e.g. {@code bad_json}, {@code bad_field}); {@code field} names the offending field, when one does.
 */
public final class ContractViolation extends RuntimeException {
  private final String reason;
  private final String field;

  public ContractViolation(String reason, String field, String message) {
    super(message, null, false, false);
    this.reason = reason;
    this.field = field;
  }

  public static ContractViolation field(String field, String message) {
    return new ContractViolation("bad_field", field, field + ": " + message);
  }

  public String reason() { return reason; }

  public String field() { return field; }
}
