package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkInRange;
import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import java.time.Duration;
import java.util.Locale;

/**
 * When a call sends a hedge: one more attempt, to a different endpoint, when its first attempt has
 * not answered after a delay; the first answer wins and the other attempt is abandoned. The delay
 * is fixed ({@link #after(Duration)}) or the given percentile of the service's recent attempt
 * latencies ({@link #atPercentile(double)}, as Finagle's backup requests do), and hedges may add at
 * most {@link #budgetPercent(int)} percent to the calls (default
 * {@value #DEFAULT_BUDGET_PERCENT}), on top of spending from the client's {@link RetryBudget} as a
 * retry does. So hedging at the 95th percentile cuts the slow tail for a few percent more load, and
 * when every endpoint is slow at once (an outage), hedges stop at the budget instead of doubling
 * the load.
 *
 * <pre>{@code
 * HedgingPolicy hedging = HedgingPolicy.atPercentile(95).budgetPercent(5);
 * }</pre>
 *
 * <p>Immutable and thread-safe: a policy is a configuration, and {@link #newHedger()} creates the
 * state of one client's calls to one service. Options return a new policy.
 */
public final class HedgingPolicy {
  /** The default most hedges, in percent of the calls: 5. */
  public static final int DEFAULT_BUDGET_PERCENT = 5;

  /** The longest fixed delay accepted: one hour. */
  public static final Duration MAX_DELAY = Duration.ofHours(1);

  /** The window over which recent latencies are kept, as the retry budget's. */
  static final long WINDOW_NANOS = RetryBudget.WINDOW_SECONDS * 1_000_000_000L;

  /** How often a percentile delay is recomputed: at most every 100 ms. */
  static final long REFRESH_NANOS = 100_000_000L;

  private final long fixedDelayNanos; // -1: a percentile
  private final double percentile;
  private final int budgetPercent;

  private HedgingPolicy(long fixedDelayNanos, double percentile, int budgetPercent) {
    this.fixedDelayNanos = fixedDelayNanos;
    this.percentile = percentile;
    this.budgetPercent = budgetPercent;
  }

  /**
   * Hedges a call whose first attempt has not answered after {@code delay}.
   *
   * @throws NullPointerException if {@code delay} is null
   * @throws IllegalArgumentException if {@code delay} is not positive or is over an hour
   */
  public static HedgingPolicy after(Duration delay) {
    checkNotNull(delay, "delay");
    checkArgument(!delay.isNegative() && !delay.isZero() && delay.compareTo(MAX_DELAY) <= 0, "delay", delay,
        "more than PT0S, at most PT1H");
    return new HedgingPolicy(delay.toNanos(), 0, DEFAULT_BUDGET_PERCENT);
  }

  /**
   * Hedges a call whose first attempt has not answered after the {@code percentile}-th percentile
   * (95 for p95) of the latencies of the service's attempts that answered over the last 5 to 10
   * seconds. Until those are {@linkplain #minSamples() enough} for the percentile to mean
   * something, nothing is hedged.
   *
   * @throws IllegalArgumentException if {@code percentile} is not between 50 and 99.9
   */
  public static HedgingPolicy atPercentile(double percentile) {
    checkArgument(percentile >= 50 && percentile <= 99.9, "percentile", percentile, "50-99.9");
    return new HedgingPolicy(-1, percentile, DEFAULT_BUDGET_PERCENT);
  }

  /**
   * This policy with hedges capped at {@code percent} of the calls made over the last
   * {@value RetryBudget#WINDOW_SECONDS} seconds (and still spending from the retry budget); default
   * {@value #DEFAULT_BUDGET_PERCENT}.
   *
   * @throws IllegalArgumentException if {@code percent} is outside 1-100
   */
  public HedgingPolicy budgetPercent(int percent) {
    checkInRange(percent, 1, 100, "budgetPercent");
    return new HedgingPolicy(fixedDelayNanos, percentile, percent);
  }

  /** The most hedges, in percent of the calls. */
  public int budgetPercent() {
    return budgetPercent;
  }

  /**
   * The samples a percentile delay needs before the first hedge: at least 100, and enough that 10
   * of them lie beyond the percentile (200 for p95, 1000 for p99); 0 for a fixed delay.
   */
  public long minSamples() {
    if (fixedDelayNanos >= 0) {
      return 0;
    }
    return Math.max(100, (long) Math.ceil(10 / (1 - percentile / 100) - 1e-9));
  }

  /** The state of one client's calls to one service under this policy. */
  public Hedger newHedger() {
    return new Hedger(this);
  }

  long fixedDelayNanos() {
    return fixedDelayNanos;
  }

  double percentile() {
    return percentile;
  }

  @Override
  public String toString() {
    String delay = fixedDelayNanos >= 0 ? "after " + Duration.ofNanos(fixedDelayNanos)
        : String.format(Locale.ROOT, "at p%s", percentile == Math.rint(percentile) ? String.valueOf((long) percentile)
            : String.valueOf(percentile));
    return "HedgingPolicy{" + delay + ", budget " + budgetPercent + "%}";
  }
}
