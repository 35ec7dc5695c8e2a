package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.RetryRules.Next;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hedging decisions on fake time (nanoseconds passed in). */
class HedgerTest {
  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000_000_000L;

  @Test
  void fixedDelay_isTheDelay_fromTheFirstCall() {
    Hedger hedger = HedgingPolicy.after(Duration.ofMillis(40)).newHedger();

    assertThat(hedger.delayNanos(0)).isEqualTo(40 * MS);
  }

  @Test
  void percentileDelay_waitsForEnoughSamples_thenFollowsThePercentileWithinItsBucket() {
    HedgingPolicy policy = HedgingPolicy.atPercentile(95);
    Hedger hedger = policy.newHedger();
    assertThat(policy.minSamples()).isEqualTo(200);

    for (int i = 1; i <= 199; i++) {
      hedger.recordLatency(i * MS, 0);
    }
    assertThat(hedger.delayNanos(0)).as("199 samples").isEqualTo(-1);

    hedger.recordLatency(200 * MS, 0);
    long delay = hedger.delayNanos(SECOND); // past the 100 ms between recomputations
    assertThat(delay).as("p95 of 1..200 ms is 190 ms, kept to within 12.5%").isBetween(190 * MS, 214 * MS);
  }

  @Test
  void percentileDelay_forgetsLatenciesOlderThanTheWindow() {
    Hedger hedger = HedgingPolicy.atPercentile(50).newHedger();
    for (int i = 0; i < 100; i++) {
      hedger.recordLatency(500 * MS, 0);
    }
    assertThat(hedger.delayNanos(0)).isGreaterThanOrEqualTo(500 * MS);

    for (int i = 0; i < 100; i++) {
      hedger.recordLatency(10 * MS, 6 * SECOND);
    }
    assertThat(hedger.delayNanos(6 * SECOND)).as("half old, half new: the median is old")
        .isGreaterThanOrEqualTo(10 * MS).isLessThan(12 * MS);
    assertThat(hedger.delayNanos(11 * SECOND)).as("the slow half left with its slice").isLessThan(12 * MS);
    assertThat(hedger.delayNanos(25 * SECOND)).as("nothing recent").isEqualTo(-1);
  }

  @Test
  void hedges_stayWithinTheirPercent_ofTheCalls() {
    Hedger hedger = HedgingPolicy.after(Duration.ofMillis(10)).budgetPercent(5).newHedger();
    RetryBudget generous = RetryBudget.of(100, 1000);
    for (int i = 0; i < 1000; i++) {
      hedger.onCall(0);
    }
    int granted = 0;
    for (int i = 0; i < 1000; i++) {
      if (hedger.tryHedge(generous, 0)) {
        granted++;
      }
    }

    assertThat(granted).isEqualTo(50);
    assertThat(hedger.stats()).isEqualTo(new HedgingStats(50, 0, 950));
  }

  @Test
  void aHedge_spendsFromTheRetryBudget_andTheRetryBudgetCanRefuseIt() {
    Hedger hedger = HedgingPolicy.after(Duration.ofMillis(10)).budgetPercent(100).newHedger();
    RetryBudget budget = RetryBudget.of(10, 0);
    for (int i = 0; i < 100; i++) {
      hedger.onCall(0);
      budget.onRequest(0);
    }
    int granted = 0;
    for (int i = 0; i < 100; i++) {
      if (hedger.tryHedge(budget, 0)) {
        granted++;
      }
    }

    assertThat(granted).as("10% of 100 calls").isEqualTo(10);
    assertThat(budget.tryRetry(0)).as("nothing left for retries").isFalse();
    assertThat(hedger.stats().refusedByBudget()).isEqualTo(90);
  }

  @Test
  void aRefusalByTheRetryBudget_spendsNothingOfTheHedgingBudget() {
    Hedger hedger = HedgingPolicy.after(Duration.ofMillis(10)).budgetPercent(5).newHedger();
    RetryBudget empty = RetryBudget.of(0, 0);
    RetryBudget generous = RetryBudget.of(100, 1000);
    for (int i = 0; i < 100; i++) {
      hedger.onCall(0);
    }
    for (int i = 0; i < 10; i++) {
      assertThat(hedger.tryHedge(empty, 0)).isFalse();
    }

    int granted = 0;
    for (int i = 0; i < 10; i++) {
      if (hedger.tryHedge(generous, 0)) {
        granted++;
      }
    }
    assertThat(granted).as("5% of 100 calls, untouched by the refusals").isEqualTo(5);
  }

  @Test
  void underAnOutage_hedgesStayWithinTheBudget_whateverTheyAsk() {
    SplittableRandom random = new SplittableRandom(3);
    Hedger hedger = HedgingPolicy.after(Duration.ofMillis(10)).newHedger();
    RetryBudget budget = RetryBudget.ofDefaults();
    long calls = 0;
    long hedges = 0;
    for (long t = 0; t < 60 * SECOND; t += 1 + random.nextInt(2 * (int) MS)) { // about 1000 calls a second
      hedger.onCall(t);
      budget.onRequest(t);
      calls++;
      if (hedger.tryHedge(budget, t)) { // every call is slow: every one asks
        hedges++;
      }
    }

    assertThat(hedges / (double) calls).as("seed 3: %d hedges for %d calls", hedges, calls).isLessThanOrEqualTo(0.05);
    assertThat(hedger.stats().sent()).isEqualTo(hedges);
  }

  @Test
  void endsCall_onASuccess_orOnAFailureWithNoOtherAttemptInFlight() {
    assertThat(Hedger.endsCall(Next.DONE, true)).isTrue();
    assertThat(Hedger.endsCall(Next.RETRY, true)).isFalse();
    assertThat(Hedger.endsCall(Next.FINAL, true)).isFalse();
    assertThat(Hedger.endsCall(Next.RETRY, false)).isTrue();
    assertThat(Hedger.endsCall(Next.REQUEUE, false)).isTrue();
  }

  @Test
  void wins_areCounted() {
    Hedger hedger = HedgingPolicy.after(Duration.ofMillis(10)).newHedger();
    hedger.onHedgeWon();

    assertThat(hedger.stats()).isEqualTo(new HedgingStats(0, 1, 0));
    assertThat(hedger.stats().plus(new HedgingStats(2, 1, 3))).isEqualTo(new HedgingStats(2, 2, 3));
  }

  @Test
  void badOptions_areRejected_withTheValue() {
    assertThatThrownBy(() -> HedgingPolicy.after(Duration.ZERO))
        .hasMessage("delay: PT0S (expected: more than PT0S, at most PT1H)");
    assertThatThrownBy(() -> HedgingPolicy.after(Duration.ofHours(2)))
        .hasMessage("delay: PT2H (expected: more than PT0S, at most PT1H)");
    assertThatThrownBy(() -> HedgingPolicy.after(null)).isInstanceOf(NullPointerException.class).hasMessage("delay");
    assertThatThrownBy(() -> HedgingPolicy.atPercentile(100)).hasMessage("percentile: 100.0 (expected: 50-99.9)");
    assertThatThrownBy(() -> HedgingPolicy.atPercentile(Double.NaN)).hasMessage("percentile: NaN (expected: 50-99.9)");
    assertThatThrownBy(() -> HedgingPolicy.atPercentile(95).budgetPercent(0)).hasMessage("budgetPercent: 0 (expected: 1-100)");
    assertThatThrownBy(() -> Hedger.endsCall(null, true)).isInstanceOf(NullPointerException.class).hasMessage("next");
  }

  @Test
  void thePolicy_saysWhatItIs() {
    assertThat(HedgingPolicy.atPercentile(95)).hasToString("HedgingPolicy{at p95, budget 5%}");
    assertThat(HedgingPolicy.atPercentile(99.5).budgetPercent(2)).hasToString("HedgingPolicy{at p99.5, budget 2%}");
    assertThat(HedgingPolicy.after(Duration.ofMillis(50))).hasToString("HedgingPolicy{after PT0.05S, budget 5%}");
    assertThat(HedgingPolicy.atPercentile(99).minSamples()).isEqualTo(1000);
    assertThat(HedgingPolicy.after(Duration.ofMillis(50)).minSamples()).isZero();
  }
}
