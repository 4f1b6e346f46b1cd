package dev.discordbridge.discord.shard;

/**
 * The day's session starts as last known: how many are left and when Discord gives them back
 * (epoch millis). Pure logic, shared by the in-memory budget and mirrored by the cluster's.
 *
 * @param remaining session starts left ({@code session_start_limit.remaining}, less those spent since)
 * @param resetAt when {@code reset_after} runs out; from then on the count is unknown until read again
 */
public record SessionBudget(int remaining, long resetAt) {

  /** One start taken when more than {@code keep} are left and the count is still valid; null when refused. */
  public SessionBudget take(int keep, long now) {
    return now < resetAt && remaining > keep ? new SessionBudget(remaining - 1, resetAt) : null;
  }

  /**
   * Discord's answer read at {@code now}: it replaces a count whose period has passed; within the
   * same period the count cannot grow, so the lower one is kept (a start spent by another node may
   * not have reached Discord yet when it answered).
   */
  public static SessionBudget merge(SessionBudget current, int remaining, long resetAt, long now) {
    if (current == null || now >= current.resetAt()) {
      return new SessionBudget(remaining, resetAt);
    }
    return new SessionBudget(Math.min(current.remaining(), remaining), resetAt);
  }
}
