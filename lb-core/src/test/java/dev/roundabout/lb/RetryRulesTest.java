package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.roundabout.lb.RetryRules.Next;
import dev.roundabout.lb.RetryRules.Outcome;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one retry decision of the interceptor and the simulator. */
class RetryRulesTest {
  @Test
  void whatFollowsEachOutcome() {
    assertThat(RetryRules.next(Outcome.SUCCEEDED, true)).isEqualTo(Next.DONE);
    assertThat(RetryRules.next(Outcome.NOTHING_SENT, false)).as("any method").isEqualTo(Next.REQUEUE);
    assertThat(RetryRules.next(Outcome.SILENT, true)).isEqualTo(Next.RETRY);
    assertThat(RetryRules.next(Outcome.SILENT, false)).isEqualTo(Next.FINAL);
    assertThat(RetryRules.next(Outcome.FAILED, true)).isEqualTo(Next.RETRY);
    assertThat(RetryRules.next(Outcome.FAILED, false)).isEqualTo(Next.FINAL);
    assertThat(RetryRules.next(Outcome.ELSEWHERE, true)).isEqualTo(Next.FINAL);
    assertThat(RetryRules.next(Outcome.CANCELLED, true)).isEqualTo(Next.FINAL);
  }

  @Test
  void aRequeueIsFree_aRetrySpendsTheBudget_andNeitherPassesMaxAttempts() {
    RetryBudget budget = RetryBudget.of(0, 0); // no retry at all
    assertThat(RetryRules.mayTryAgain(Next.REQUEUE, 1, 3, budget, 0)).isTrue();
    assertThat(RetryRules.mayTryAgain(Next.RETRY, 1, 3, budget, 0)).isFalse();
    assertThat(RetryRules.mayTryAgain(Next.REQUEUE, 3, 3, budget, 0)).isFalse();
    RetryBudget one = RetryBudget.of(0, 1);
    assertThat(RetryRules.mayTryAgain(Next.RETRY, 1, 3, one, 0)).isTrue();
    assertThat(RetryRules.mayTryAgain(Next.FINAL, 1, 3, one, 0)).isFalse();
  }

  @Test
  void theLeaseReportsWhatTheOutcomeSays() {
    Endpoint a = Endpoint.of("10.0.0.1", 80);
    try (LoadBalancer lb = LoadBalancer.builder("rules").endpoints(List.of(a)).executor(Runnable::run).build()) {
      for (Outcome outcome : Outcome.values()) {
        try (Lease lease = lb.acquire()) {
          RetryRules.report(lease, outcome, new IOException(outcome.name()));
        }
      }
      EndpointStats stats = lb.stats().get(0);
      assertThat(stats.successes()).isEqualTo(1); // SUCCEEDED
      assertThat(stats.failures()).isEqualTo(3); // FAILED, SILENT, NOTHING_SENT; not ELSEWHERE nor CANCELLED
    }
  }
}
