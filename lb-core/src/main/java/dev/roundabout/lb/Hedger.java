package dev.roundabout.lb;

import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import dev.roundabout.lb.RetryRules.Next;
import dev.roundabout.lb.internal.RecentLatencies;
import java.util.concurrent.atomic.LongAdder;

/**
 * The hedging decisions of one client's calls to one service, from its {@link HedgingPolicy}: when
 * a call's hedge is due, whether a budget allows it, what an attempt's end means for a hedged call,
 * and the counts of {@link HedgingStats}. The OkHttp interceptor and lb-sim's simulated clients
 * both decide through it, so a simulation judges the hedging that ships.
 *
 * <p>The rules, for a call that may be sent twice (an idempotent request whose body can be written
 * again):
 *
 * <ol>
 *   <li>Count every call with {@link #onCall}. When its first attempt starts, {@link #delayNanos}
 *       says after how long it is hedged (or not at all yet).
 *   <li>When the delay has passed and the first attempt has not answered, pick another endpoint
 *       than the first attempt's, then ask {@link #tryHedge}: the hedge goes if both the hedging
 *       budget and the client's {@link RetryBudget} allow it, and spends from both. With no other
 *       endpoint, or when a budget refuses, ask again one delay later, while the first attempt runs.
 *   <li>Once the hedge is sent, the call has two attempts in flight. Each attempt's outcome is
 *       judged and reported by {@link RetryRules} as any attempt's is. The first to succeed is the
 *       call's answer ({@link #onHedgeWon} if it is the hedge's): the other attempt is abandoned,
 *       its lease closed with no outcome. An attempt that fails while the other is still in flight
 *       leaves the call to the other ({@link #endsCall}); when both fail, the call ends with the
 *       failure that came last. A hedged call is not retried further: its hedge was its retry.
 *   <li>Record with {@link #recordLatency} the latency of every attempt but hedges that answered
 *       (whatever the status), and of a first attempt that lost to its hedge the time it had run (a
 *       lower bound): a percentile delay is taken over them, the latencies calls would have without
 *       hedging. (Leaving the losers out would lower the percentile, and send more hedges than the
 *       percentile says.)
 * </ol>
 *
 * <p>Thread-safe: the counters are adders, the latencies a lock-free histogram, and the budget
 * check one short lock per hedge.
 */
public final class Hedger {
  private final HedgingPolicy policy;
  private final long minSamples;
  private final RetryBudget cap;
  private final RecentLatencies latencies;
  private final LongAdder sent = new LongAdder();
  private final LongAdder won = new LongAdder();
  private final LongAdder refused = new LongAdder();

  Hedger(HedgingPolicy policy) {
    this.policy = policy;
    this.minSamples = policy.minSamples();
    this.cap = RetryBudget.of(policy.budgetPercent(), 0);
    this.latencies = new RecentLatencies(HedgingPolicy.WINDOW_NANOS, HedgingPolicy.REFRESH_NANOS);
  }

  /** Counts one call (every call, hedgeable or not) at {@code nowNanos}, ticker time. */
  public void onCall(long nowNanos) {
    cap.onRequest(nowNanos);
  }

  /**
   * How long after its first attempt's start a call is hedged, in nanoseconds; -1 if it is not
   * (a percentile delay with too few recent samples).
   */
  public long delayNanos(long nowNanos) {
    long fixed = policy.fixedDelayNanos();
    if (fixed >= 0) {
      return fixed;
    }
    return latencies.percentile(policy.percentile(), minSamples, nowNanos);
  }

  /**
   * Whether a hedge that is due at {@code nowNanos}, with another endpoint ready to take it, may
   * go: true if the hedging budget and {@code retryBudget} both have room, and then it is counted
   * as sent and spends from both; false if either refuses (counted as refused; neither spends).
   */
  public boolean tryHedge(RetryBudget retryBudget, long nowNanos) {
    checkNotNull(retryBudget, "retryBudget");
    synchronized (cap) {
      if (!cap.hasRoom(nowNanos) || !retryBudget.tryRetry(nowNanos)) {
        refused.increment();
        return false;
      }
      cap.tryRetry(nowNanos);
    }
    sent.increment();
    return true;
  }

  /** Counts a hedge whose success came first and became the call's answer. */
  public void onHedgeWon() {
    won.increment();
  }

  /** Records the latency of an attempt that answered, ended at {@code nowNanos}. */
  public void recordLatency(long latencyNanos, long nowNanos) {
    latencies.record(latencyNanos, nowNanos);
  }

  /**
   * Whether an attempt of a hedged call whose outcome leads to {@code next} ends the call: a
   * success always does; a failure does only when the call's other attempt is no longer in flight
   * ({@code otherInFlight} false), and the call then ends with it, with no further retry.
   */
  public static boolean endsCall(Next next, boolean otherInFlight) {
    return checkNotNull(next, "next") == Next.DONE || !otherInFlight;
  }

  /** The counts so far. */
  public HedgingStats stats() {
    return new HedgingStats(sent.sum(), won.sum(), refused.sum());
  }

  /** The policy this hedger follows. */
  public HedgingPolicy policy() {
    return policy;
  }

  @Override
  public String toString() {
    return "Hedger{" + policy + ", " + stats() + '}';
  }
}
