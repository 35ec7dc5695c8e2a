package dev.roundabout.lb.health;

import static dev.roundabout.lb.health.HealthTesting.fail;
import static dev.roundabout.lb.health.HealthTesting.healthOf;
import static dev.roundabout.lb.health.HealthTesting.picks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.EndpointSource;
import dev.roundabout.lb.FakeTicker;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.LoadBalancerListener;
import dev.roundabout.lb.MutableEndpointSource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CircuitBreakerHealthTrackerTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 80);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 80);
  private static final Endpoint C = Endpoint.of("10.0.0.3", 80);

  private final FakeTicker ticker = new FakeTicker();
  private final List<String> events = new ArrayList<>();

  private final CircuitBreakerRegistry registry =
      CircuitBreakerRegistry.of(
          CircuitBreakerConfig.custom()
              .slidingWindowSize(4)
              .minimumNumberOfCalls(4)
              .failureRateThreshold(50)
              .waitDurationInOpenState(Duration.ofSeconds(10))
              .permittedNumberOfCallsInHalfOpenState(2)
              .clock(CircuitBreakerHealthTracker.clock(ticker))
              .build());

  /** The tracker {@code policy} creates for one balancer, whose breakers a test can look at. */
  private static CircuitBreakerTracker trackerOf(CircuitBreakerHealthTracker policy) {
    return (CircuitBreakerTracker) policy.newTracker();
  }

  private LoadBalancer balancer(CircuitBreakerTracker tracker, EndpointSource source) {
    return balancer("orders", () -> tracker, source);
  }

  private LoadBalancer balancer(String name, HealthPolicy policy, EndpointSource source) {
    return LoadBalancer.builder(name).executor(Runnable::run)
        .source(source)
        .ticker(ticker)
        .random(new SplittableRandom(2))
        .healthTracker(policy)
        .panicThreshold(0)
        .listener(
            new LoadBalancerListener() {
              @Override
              public void onEndpointEjected(String balancer, Endpoint endpoint, EndpointHealth reason) {
                events.add(endpoint.host() + " " + reason.label());
              }

              @Override
              public void onEndpointRestored(String balancer, Endpoint endpoint) {
                events.add(endpoint.host() + " restored");
              }
            })
        .build();
  }

  /** Calls until {@code failures} calls to {@code sick} failed; the others succeed. */
  @Test
  void anOpenBreaker_takesNoCall_thenGivesItsTrialCalls_andClosesOnSuccess() {
    CircuitBreakerTracker tracker = trackerOf(CircuitBreakerHealthTracker.of(registry));
    try (LoadBalancer lb = balancer(tracker, EndpointSource.of(List.of(A, B, C)))) {
      fail(lb, A, 4);
      assertThat(tracker.circuitBreaker(A).getState()).isEqualTo(CircuitBreaker.State.OPEN);
      assertThat(picks(lb, 30)).containsExactlyInAnyOrder(B, C);

      ticker.advance(Duration.ofSeconds(10).plusNanos(1)); // the wait is over: trial calls, two at a time
      List<Lease> leases = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        leases.add(lb.acquire());
      }
      List<Lease> trials = leases.stream().filter(l -> l.endpoint().equals(A)).collect(Collectors.toList());
      assertThat(trials).hasSize(2);
      assertThat(tracker.circuitBreaker(A).getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
      assertThat(picks(lb, 30)).doesNotContain(A); // plain picks never take trials
      trials.forEach(Lease::success);
      leases.forEach(Lease::close);

      assertThat(tracker.circuitBreaker(A).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
      assertThat(picks(lb, 30)).contains(A);
      assertThat(events).containsExactly("10.0.0.1 circuit open", "10.0.0.1 restored");
    }
  }

  @Test
  void aFailedTrial_opensTheBreakerAgain() {
    CircuitBreakerTracker tracker = trackerOf(CircuitBreakerHealthTracker.of(registry));
    try (LoadBalancer lb = balancer(tracker, EndpointSource.of(List.of(A, B, C)))) {
      fail(lb, A, 4);
      ticker.advance(Duration.ofSeconds(10).plusNanos(1));
      fail(lb, A, 2);

      assertThat(tracker.circuitBreaker(A).getState()).isEqualTo(CircuitBreaker.State.OPEN);
      assertThat(picks(lb, 30)).doesNotContain(A);
      ticker.advance(Duration.ofSeconds(9));
      try (Lease lease = lb.acquire()) {
        assertThat(lease.endpoint()).isNotEqualTo(A); // still waiting
      }
    }
  }

  @Test
  void aTrialClosedWithoutOutcome_givesItsPermissionBack() {
    CircuitBreakerTracker tracker = trackerOf(CircuitBreakerHealthTracker.of(registry));
    try (LoadBalancer lb = balancer(tracker, EndpointSource.of(List.of(A, B, C)))) {
      fail(lb, A, 4);
      ticker.advance(Duration.ofSeconds(10).plusNanos(1));
      for (int i = 0; i < 5; i++) {
        Lease lease = lb.acquire();
        assertThat(lease.endpoint()).isEqualTo(A); // each trial returns its permission on close
        lease.close();
      }
    }
  }

  @Test
  void breakersOfRemovedEndpoints_leaveTheRegistry_andAllLeaveOnClose() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A, B));
    CircuitBreakerTracker tracker = trackerOf(CircuitBreakerHealthTracker.of(registry));
    LoadBalancer lb = balancer(tracker, source);
    assertThat(names()).containsExactlyInAnyOrder("orders/10.0.0.1:80", "orders/10.0.0.2:80");

    source.update(List.of(B, C));
    assertThat(names()).containsExactlyInAnyOrder("orders/10.0.0.2:80", "orders/10.0.0.3:80");
    assertThat(tracker.circuitBreaker(A)).isNull();
    lb.close();

    assertThat(names()).isEmpty();
  }

  private Set<String> names() {
    return registry.getAllCircuitBreakers().stream().map(CircuitBreaker::getName).collect(Collectors.toSet());
  }

  @Test
  void ofDefaults_runsOnTheBalancersTicker() {
    CircuitBreakerTracker tracker = trackerOf(CircuitBreakerHealthTracker.ofDefaults());
    try (LoadBalancer lb = balancer(tracker, EndpointSource.of(List.of(A, B, C)))) {
      fail(lb, A, 100); // resilience4j's defaults: 100 calls, 50% failures, 60 s open, 10 trials
      assertThat(picks(lb, 30)).doesNotContain(A);
      ticker.advance(Duration.ofSeconds(60).plusNanos(1));

      for (int i = 0; i < 10; i++) {
        try (Lease lease = lb.acquire()) {
          assertThat(lease.endpoint()).isEqualTo(A);
          lease.success();
        }
      }
      assertThat(tracker.circuitBreaker(A).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
  }

  @Test
  void aFailureWithoutException_countsAsAFailure() {
    CircuitBreakerTracker tracker = trackerOf(CircuitBreakerHealthTracker.of(registry));
    try (LoadBalancer lb = balancer(tracker, EndpointSource.of(List.of(A)))) {
      for (int i = 0; i < 4; i++) {
        try (Lease lease = lb.acquire()) {
          lease.failure();
        }
      }
      assertThat(tracker.circuitBreaker(A).getState()).isEqualTo(CircuitBreaker.State.OPEN);
      assertThatThrownBy(lb::pick).hasMessage("no available endpoint in 'orders' (1 endpoint: 1 circuit open)");
    }
  }

  @Test
  void badInput() {
    assertThatThrownBy(() -> CircuitBreakerHealthTracker.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("registry");
  }

  @Test
  void onTrial_theTrackerAsksNoMoreThanTheBreakerPermits_soItsMetricsStayTrue() {
    CircuitBreakerTracker tracker = trackerOf(CircuitBreakerHealthTracker.of(registry));
    try (LoadBalancer lb = balancer(tracker, EndpointSource.of(List.of(A, B, C)))) {
      fail(lb, A, 4);
      ticker.advance(Duration.ofSeconds(10).plusNanos(1));
      List<Lease> leases = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        leases.add(lb.acquire());
      }
      assertThat(leases.stream().filter(l -> l.endpoint().equals(A))).hasSize(2);
      leases.forEach(Lease::close);

      assertThat(tracker.circuitBreaker(A).getMetrics().getNumberOfNotPermittedCalls()).isZero();
    }
  }

  @Test
  void aRandomizedWait_isDrawnOnceWhenTheBreakerOpens() {
    CircuitBreakerRegistry randomized =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.custom()
                .slidingWindowSize(4)
                .minimumNumberOfCalls(4)
                .waitIntervalFunctionInOpenState(io.github.resilience4j.core.IntervalFunction.ofRandomized(Duration.ofSeconds(10), 0.9))
                .permittedNumberOfCallsInHalfOpenState(1)
                .clock(CircuitBreakerHealthTracker.clock(ticker))
                .build());
    CircuitBreakerTracker tracker = trackerOf(CircuitBreakerHealthTracker.of(randomized));
    try (LoadBalancer lb = balancer(tracker, EndpointSource.of(List.of(A, B, C)))) {
      fail(lb, A, 4);
      int trialsSeen = 0;
      for (int second = 0; second < 20 && trialsSeen == 0; second++) {
        ticker.advance(Duration.ofSeconds(1));
        try (Lease lease = lb.acquire()) {
          if (lease.endpoint().equals(A)) {
            trialsSeen++;
            lease.success();
          }
        }
      }
      assertThat(trialsSeen).as("a trial within the longest draw, 19 s").isEqualTo(1);
      assertThat(tracker.circuitBreaker(A).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
      assertThat(tracker.circuitBreaker(A).getMetrics().getNumberOfNotPermittedCalls())
          .as("never asked early: the tracker saw the breaker's own draw")
          .isZero();
    }
  }

  /** Where {@code count} leases go, each closed without an outcome. */
  private static Set<Endpoint> leases(LoadBalancer lb, int count) {
    Set<Endpoint> seen = new HashSet<>();
    for (int i = 0; i < count; i++) {
      try (Lease lease = lb.acquire()) {
        seen.add(lease.endpoint());
      }
    }
    return seen;
  }

  @Test
  void anExponentialWait_isTheBreakersOwn_outForEachWait_aFailedTrialWaitsLonger_aGoodOneCloses() {
    CircuitBreakerRegistry exponential =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.custom()
                .slidingWindowSize(4)
                .minimumNumberOfCalls(4)
                .waitIntervalFunctionInOpenState(IntervalFunction.ofExponentialBackoff(Duration.ofSeconds(1), 2)) // 1 s, 2 s, 4 s
                .permittedNumberOfCallsInHalfOpenState(1)
                .clock(CircuitBreakerHealthTracker.clock(ticker))
                .build());
    try (LoadBalancer lb = balancer("orders", CircuitBreakerHealthTracker.of(exponential), EndpointSource.of(List.of(A, B, C)))) {
      CircuitBreaker breaker = exponential.circuitBreaker("orders/10.0.0.1:80");
      fail(lb, A, 4);
      assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

      ticker.advance(Duration.ofSeconds(1)); // the whole first wait: resilience4j permits only past it
      assertThat(leases(lb, 30)).containsExactlyInAnyOrder(B, C);
      ticker.advance(Duration.ofNanos(1));
      try (Lease trial = lb.acquire()) {
        assertThat(trial.endpoint()).isEqualTo(A);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN); // the trial's permission half-opened it
        trial.failure(new IOException("connection reset"));
      }
      assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

      ticker.advance(Duration.ofSeconds(2)); // the second wait is longer
      assertThat(leases(lb, 30)).containsExactlyInAnyOrder(B, C);
      ticker.advance(Duration.ofNanos(1));
      try (Lease trial = lb.acquire()) {
        assertThat(trial.endpoint()).isEqualTo(A);
        trial.success();
      }

      assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
      assertThat(picks(lb, 30)).containsExactlyInAnyOrder(A, B, C);
      assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).as("never asked while the breaker waited").isZero();
      assertThat(events).containsExactly("10.0.0.1 circuit open", "10.0.0.1 circuit open", "10.0.0.1 restored");
    }
  }

  @Test
  void aWaitFromTransitionOnResult_isFollowedToo() {
    CircuitBreakerRegistry onResult =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.custom()
                .transitionOnResult(result -> result.isRight() && "429".equals(result.get().getMessage())
                    ? CircuitBreakerConfig.TransitionCheckResult.transitionToOpenAndWaitFor(Duration.ofSeconds(7))
                    : CircuitBreakerConfig.TransitionCheckResult.noTransition())
                .clock(CircuitBreakerHealthTracker.clock(ticker))
                .build());
    try (LoadBalancer lb = balancer("orders", CircuitBreakerHealthTracker.of(onResult), EndpointSource.of(List.of(A, B)))) {
      boolean failed = false;
      while (!failed) { // one failure of A, answered 429
        try (Lease lease = lb.acquire()) {
          if (lease.endpoint().equals(A)) {
            lease.failure(new IOException("429"));
            failed = true;
          }
        }
      }
      assertThat(onResult.circuitBreaker("orders/10.0.0.1:80").getState()).isEqualTo(CircuitBreaker.State.OPEN);

      ticker.advance(Duration.ofSeconds(7));
      assertThat(leases(lb, 10)).containsExactly(B);
      ticker.advance(Duration.ofNanos(1));

      assertThat(leases(lb, 10)).contains(A);
    }
  }

  @Test
  void aBreakerThatStartsOpen_keepsItsEndpointOutForItsFirstWait() {
    CircuitBreakerRegistry startsOpen =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.custom()
                .initialState(CircuitBreaker.State.OPEN)
                .waitDurationInOpenState(Duration.ofSeconds(3))
                .clock(CircuitBreakerHealthTracker.clock(ticker))
                .build());
    try (LoadBalancer lb = balancer("orders", CircuitBreakerHealthTracker.of(startsOpen), EndpointSource.of(List.of(A)))) {
      assertThat(healthOf(lb, A)).isEqualTo(EndpointHealth.CIRCUIT_OPEN);
      ticker.advance(Duration.ofSeconds(3));
      assertThatThrownBy(lb::acquire).hasMessage("no available endpoint in 'orders' (1 endpoint: 1 circuit open)");
      ticker.advance(Duration.ofNanos(1));

      assertThat(leases(lb, 1)).containsExactly(A);
      assertThat(startsOpen.circuitBreaker("orders/10.0.0.1:80").getMetrics().getNumberOfNotPermittedCalls()).isZero();
    }
  }

  @Test
  void aWaitSetByHand_leavesTheEndpointOnTrial_andTheBreakerDecidesAtEachAcquire() {
    CircuitBreakerTracker tracker = trackerOf(CircuitBreakerHealthTracker.of(registry));
    try (LoadBalancer lb = balancer(tracker, EndpointSource.of(List.of(A, B)))) {
      CircuitBreaker breaker = tracker.circuitBreaker(A);
      breaker.transitionToOpenStateFor(Duration.ofSeconds(5)); // no draw the tracker could see

      assertThat(leases(lb, 10)).containsExactly(B);
      assertThat(breaker.getMetrics().getNumberOfNotPermittedCalls()).as("each acquire asked").isEqualTo(10);
      ticker.advance(Duration.ofSeconds(5).plusNanos(1));

      assertThat(leases(lb, 10)).contains(A);
      assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }
  }

  @Test
  void anAutomaticHalfOpen_isFollowed_withoutAnyAcquireAsking() {
    CircuitBreakerRegistry automatic =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.custom()
                .slidingWindowSize(4)
                .minimumNumberOfCalls(4)
                .waitDurationInOpenState(Duration.ofMillis(500)) // on resilience4j's own scheduler, in real time
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .clock(CircuitBreakerHealthTracker.clock(ticker))
                .build());
    try (LoadBalancer lb = balancer("orders", CircuitBreakerHealthTracker.of(automatic), EndpointSource.of(List.of(A, B)))) {
      fail(lb, A, 4);
      assertThat(healthOf(lb, A)).isEqualTo(EndpointHealth.CIRCUIT_OPEN); // the ticker stays still from here on

      await().atMost(Duration.ofSeconds(10)).until(() -> healthOf(lb, A) == EndpointHealth.TRIAL);
      assertThat(automatic.circuitBreaker("orders/10.0.0.1:80").getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    }
  }

  @Test
  void oneRegistryPolicy_servesTwoBalancers_eachWithBreakersOfItsOwn() {
    CircuitBreakerHealthTracker policy = CircuitBreakerHealthTracker.of(registry);
    try (LoadBalancer orders = balancer("orders", policy, EndpointSource.of(List.of(A, B, C)));
        LoadBalancer payments = balancer("payments", policy, EndpointSource.of(List.of(A, B, C)))) {
      fail(orders, A, 4);

      assertThat(registry.circuitBreaker("orders/10.0.0.1:80").getState()).isEqualTo(CircuitBreaker.State.OPEN);
      assertThat(registry.circuitBreaker("payments/10.0.0.1:80").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
      assertThat(picks(orders, 30)).containsExactlyInAnyOrder(B, C);
      assertThat(picks(payments, 30)).containsExactlyInAnyOrder(A, B, C);
    }
    assertThat(names()).isEmpty();
  }

  @Test
  void ofDefaults_givesEachBalancerARegistryOfItsOwn() {
    CircuitBreakerHealthTracker policy = CircuitBreakerHealthTracker.ofDefaults();
    try (LoadBalancer first = balancer("orders", policy, EndpointSource.of(List.of(A, B, C)));
        LoadBalancer second = balancer("orders", policy, EndpointSource.of(List.of(A, B, C)))) {
      fail(first, A, 100);

      assertThat(picks(first, 30)).containsExactlyInAnyOrder(B, C);
      assertThat(picks(second, 30)).containsExactlyInAnyOrder(A, B, C);
    }
  }
}
