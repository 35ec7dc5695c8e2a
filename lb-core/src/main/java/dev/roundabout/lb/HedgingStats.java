package dev.roundabout.lb;

/**
 * What hedging did so far: hedges sent, hedges whose success became the call's answer, and hedges
 * a budget refused (the hedging budget or the retry budget; a hedge asked again after a refusal
 * counts each time). Counts since the start, for metrics. Immutable and thread-safe.
 *
 * @param sent hedges sent
 * @param won hedges whose success became the call's answer (it came first, or after the first
 *     attempt failed)
 * @param refusedByBudget times a hedge was due and a budget refused it
 */
public record HedgingStats(long sent, long won, long refusedByBudget) {
  /** No hedge at all. */
  public static final HedgingStats NONE = new HedgingStats(0, 0, 0);

  /** These counts and {@code other}'s added up. */
  public HedgingStats plus(HedgingStats other) {
    return new HedgingStats(sent + other.sent, won + other.won, refusedByBudget + other.refusedByBudget);
  }
}
