package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LeaseTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 8080);

  private final FakeTicker ticker = new FakeTicker();
  private final LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).endpoints(List.of(A)).ticker(ticker).build();

  private EndpointStats stats() {
    return lb.stats().get(0);
  }

  @Test
  void lease_countsInFlight_fromAcquireToClose() {
    Lease first = lb.acquire();
    Lease second = lb.acquire(PickContext.empty());
    assertThat(first.endpoint()).isEqualTo(A);
    assertThat(stats().inFlight()).isEqualTo(2);
    first.close();
    assertThat(stats().inFlight()).isEqualTo(1);
    second.close();
    assertThat(stats().inFlight()).isZero();
  }

  @Test
  void abandon_releasesWithNoOutcome_andRaisesTheLatencyEstimateToTheTimeTheCallRan() {
    try (Lease quick = lb.acquire()) {
      ticker.advance(Duration.ofMillis(10));
      quick.success();
    }
    EndpointState state = lb.snapshot().ready.states[0];
    assertThat(state.latencyEstimate()).isEqualTo(10_000_000.0);

    Lease slow = lb.acquire();
    ticker.advance(Duration.ofMillis(500));
    assertThat(slow.abandon()).isTrue();

    assertThat(slow.isClosed()).isTrue();
    assertThat(stats().inFlight()).isZero();
    assertThat(stats().successes()).as("only the quick call").isEqualTo(1);
    assertThat(stats().failures()).isZero();
    assertThat(state.latencyEstimate()).as("at least as slow as the abandoned call ran").isEqualTo(500_000_000.0);
    assertThat(slow.abandon()).as("once").isFalse();
    assertThat(slow.success()).isFalse();
    slow.close(); // idempotent
    assertThat(stats().inFlight()).isZero();

    Lease quicker = lb.acquire();
    ticker.advance(Duration.ofMillis(100));
    assertThat(quicker.abandon()).isTrue();
    assertThat(state.latencyEstimate()).as("a lower bound never lowers the estimate").isEqualTo(500_000_000.0);

    Lease reported = lb.acquire();
    reported.success();
    assertThat(reported.abandon()).as("ignored after a report").isFalse();
    reported.close();
    assertThat(stats().inFlight()).isZero();
  }

  @Test
  void pick_doesNotCountInFlight() {
    lb.pick();
    assertThat(stats().inFlight()).isZero();
  }

  @Test
  void success_recordsOutcomeAndLatencyFromTheTicker() {
    try (Lease lease = lb.acquire()) {
      ticker.advance(Duration.ofMillis(40));
      assertThat(lease.success()).isTrue();
    }
    assertThat(stats().successes()).isEqualTo(1);
    assertThat(stats().failures()).isZero();
    assertThat(stats().latencyEwma()).contains(Duration.ofMillis(40));
  }

  @Test
  void failure_recordsOutcomeAndLatency() {
    try (Lease lease = lb.acquire()) {
      ticker.advance(Duration.ofMillis(10));
      assertThat(lease.failure(new IOException("connection reset"))).isTrue();
    }
    try (Lease lease = lb.acquire()) {
      ticker.advance(Duration.ofMillis(60));
      assertThat(lease.failure()).isTrue();
    }
    assertThat(stats().failures()).isEqualTo(2);
    assertThat(stats().successes()).isZero();
    // 10 ms, then 60 ms weighing 0.2: 10 + 0.2 * 50 = 20 ms
    assertThat(stats().latencyEwma()).contains(Duration.ofMillis(20));
  }

  @Test
  void secondReport_changesNothing() {
    Lease lease = lb.acquire();
    assertThat(lease.success()).isTrue();
    assertThat(lease.failure(new IOException("late"))).isFalse();
    assertThat(lease.success()).isFalse();
    lease.close();
    assertThat(stats().successes()).isEqualTo(1);
    assertThat(stats().failures()).isZero();
    assertThat(stats().inFlight()).isZero();
  }

  @Test
  void reportAfterClose_changesNothing() {
    Lease lease = lb.acquire();
    lease.close();
    assertThat(lease.success()).isFalse();
    assertThat(lease.failure()).isFalse();
    assertThat(stats().successes()).isZero();
    assertThat(stats().failures()).isZero();
    assertThat(stats().inFlight()).isZero();
  }

  @Test
  void close_isIdempotent_andReleasesOnce() {
    Lease held = lb.acquire();
    Lease lease = lb.acquire();
    lease.close();
    lease.close();
    lease.close();
    assertThat(lease.isClosed()).isTrue();
    assertThat(stats().inFlight()).isEqualTo(1);
    held.close();
    assertThat(stats().inFlight()).isZero();
  }

  @Test
  void failure_withNullCause_isRejected() {
    try (Lease lease = lb.acquire()) {
      assertThatThrownBy(() -> lease.failure(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessage("cause");
      assertThat(lease.success()).as("the rejected report did not count").isTrue();
    }
  }

  @Test
  void leaseOpenedBeforeClose_releasesAfterTheBalancerCloses() {
    Lease lease = lb.acquire();
    lb.close();
    assertThat(lease.success()).isTrue();
    lease.close();
    assertThat(lease.isClosed()).isTrue();
  }

  @Test
  void toString_showsEndpointAndState() {
    Lease lease = lb.acquire();
    assertThat(lease).hasToString("Lease{10.0.0.1:8080, open}");
    lease.success();
    assertThat(lease).hasToString("Lease{10.0.0.1:8080, reported}");
    lease.close();
    assertThat(lease).hasToString("Lease{10.0.0.1:8080, closed}");
  }

  @Test
  void concurrentReportsAndCloses_countExactlyOnce() throws Exception {
    int leases = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int i = 0; i < leases; i++) {
        Lease lease = lb.acquire();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> racers =
            List.of(
                pool.submit(() -> { await(start); lease.success(); }),
                pool.submit(() -> { await(start); lease.failure(); }),
                pool.submit(() -> { await(start); lease.close(); }),
                pool.submit(() -> { await(start); lease.close(); }));
        start.countDown();
        for (Future<?> racer : racers) {
          racer.get(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(stats().inFlight()).isZero();
    assertThat(stats().successes() + stats().failures()).isLessThanOrEqualTo(leases);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
