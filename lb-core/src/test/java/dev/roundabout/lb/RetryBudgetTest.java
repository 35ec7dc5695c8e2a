package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The budget on fake time (nanoseconds passed in). */
class RetryBudgetTest {
  private static final long SECOND = 1_000_000_000L;

  private static int retries(RetryBudget budget, long now, int asked) {
    int granted = 0;
    for (int i = 0; i < asked; i++) {
      if (budget.tryRetry(now)) {
        granted++;
      }
    }
    return granted;
  }

  @Test
  void allowsThePercentOfRecentRequests_plusTheFloor() {
    RetryBudget budget = RetryBudget.of(20, 1);
    for (int i = 0; i < 100; i++) {
      budget.onRequest(0);
    }

    assertThat(retries(budget, 0, 1_000)).isEqualTo(20 + 10); // 20% of 100, and 1 a second over 10 s
  }

  @Test
  void forgetsWhatLeftTheWindow() {
    RetryBudget budget = RetryBudget.of(10, 0);
    for (int i = 0; i < 100; i++) {
      budget.onRequest(0);
    }
    assertThat(retries(budget, 0, 100)).isEqualTo(10);
    assertThat(retries(budget, 9 * SECOND, 100)).as("still in the window").isZero();

    for (int i = 0; i < 50; i++) {
      budget.onRequest(10 * SECOND); // the first second's requests and retries have left
    }
    assertThat(retries(budget, 10 * SECOND, 100)).isEqualTo(5);
  }

  @Test
  void keepsRefilling_whenTheTickerWrapsAround() {
    long start = Long.MAX_VALUE - 5 * SECOND; // the ticker wraps 5 seconds in
    RetryBudget budget = RetryBudget.of(0, 1); // the floor only: 10 retries per 10 s window
    assertThat(retries(budget, start, 100)).isEqualTo(10);

    long later = start + 12 * SECOND; // past the wrap, and past the window
    assertThat(retries(budget, later, 100)).as("refilled after the wrap").isEqualTo(10);
    assertThat(retries(budget, later + 3 * SECOND, 100)).as("still in the window").isZero();
    assertThat(retries(budget, later + 10 * SECOND, 100)).as("the first bucket left").isEqualTo(10);
  }

  @Test
  void zeroPercentAndNoFloor_allowsNoRetry() {
    RetryBudget budget = RetryBudget.of(0, 0);
    for (int i = 0; i < 100; i++) {
      budget.onRequest(0);
    }
    assertThat(retries(budget, 0, 10)).isZero();
  }
}
