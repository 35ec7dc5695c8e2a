package dev.roundabout.lb;

/**
 * What hedging did so far: hedges sent, hedges whose answer won (came first and was the call's),
 * and hedges the budget refused (the hedging budget or the retry budget). Counts since the start,
 * for metrics. Immutable and thread-safe.
 *
 * @param sent hedges sent
 * @param won hedges that answered first with a success, and so became the call's answer
 * @param refusedByBudget hedges that were due but that a budget refused
 */
public record HedgingStats(long sent, long won, long refusedByBudget) {
  /** No hedge at all. */
  public static final HedgingStats NONE = new HedgingStats(0, 0, 0);

  /** These counts and {@code other}'s added up. */
  public HedgingStats plus(HedgingStats other) {
    return new HedgingStats(sent + other.sent, won + other.won, refusedByBudget + other.refusedByBudget);
  }
}
