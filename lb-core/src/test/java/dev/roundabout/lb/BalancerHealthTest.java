package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.health.EndpointHealth;
import dev.roundabout.lb.health.HealthPolicy;
import dev.roundabout.lb.health.HealthTrackers;
import dev.roundabout.lb.health.ManualHealthTracker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** How the balancer applies health: what is offered, panic, trial calls, events and messages. */
class BalancerHealthTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 80);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 80);
  private static final Endpoint C = Endpoint.of("10.0.0.3", 80);
  private static final Endpoint D = Endpoint.of("10.0.0.4", 80);

  private final ManualHealthTracker tracker = new ManualHealthTracker();
  private final List<String> events = new ArrayList<>();
  private final LoadBalancerListener listener =
      new LoadBalancerListener() {
        @Override
        public void onEndpointEjected(String balancer, Endpoint endpoint, EndpointHealth reason) {
          events.add("ejected " + endpoint.host() + " " + reason.label());
        }

        @Override
        public void onEndpointRestored(String balancer, Endpoint endpoint) {
          events.add("restored " + endpoint.host());
        }

        @Override
        public void onHealthCheckFailed(String balancer, Endpoint endpoint) {
          events.add("check failed " + endpoint.host());
        }

        @Override
        public void onHealthCheckPassed(String balancer, Endpoint endpoint) {
          events.add("check passed " + endpoint.host());
        }

        @Override
        public void onPanicEntered(String balancer, int available, int total) {
          events.add("panic " + available + "/" + total);
        }

        @Override
        public void onPanicExited(String balancer, int available, int total) {
          events.add("calm " + available + "/" + total);
        }

        @Override
        public void onNoAvailableEndpoint(String balancer, String reason) {
          events.add("none: " + reason);
        }
      };

  private LoadBalancer balancer(int panicThreshold, List<Endpoint> endpoints) {
    return LoadBalancer.builder("orders").executor(Runnable::run)
        .endpoints(endpoints)
        .random(new SplittableRandom(3))
        .healthTracker(() -> tracker)
        .panicThreshold(panicThreshold)
        .listener(listener)
        .build();
  }

  private static Map<Endpoint, Integer> spread(LoadBalancer lb, int picks) {
    Map<Endpoint, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(lb.pick(), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void unavailableEndpoints_areNotPicked_andComeBackWhenTheTrackerSaysSo() {
    try (LoadBalancer lb = balancer(0, List.of(A, B, C))) {
      tracker.set(A, EndpointHealth.EJECTED);
      tracker.set(B, EndpointHealth.UNHEALTHY);
      assertThat(spread(lb, 30)).containsOnlyKeys(C);

      tracker.set(A, EndpointHealth.AVAILABLE);
      tracker.set(B, EndpointHealth.AVAILABLE);
      assertThat(spread(lb, 30)).containsOnlyKeys(A, B, C);
      assertThat(events)
          .containsExactly("ejected 10.0.0.1 ejected", "check failed 10.0.0.2", "restored 10.0.0.1", "check passed 10.0.0.2");
    }
  }

  @Test
  void withPanicOff_nothingAvailable_countsTheEndpointsByReason() {
    try (LoadBalancer lb = balancer(0, List.of(A, B, C))) {
      tracker.set(A, EndpointHealth.EJECTED);
      tracker.set(B, EndpointHealth.UNHEALTHY);
      tracker.set(C, EndpointHealth.EJECTED);

      assertThatThrownBy(lb::pick)
          .isInstanceOf(NoAvailableEndpointException.class)
          .hasMessage("no available endpoint in 'orders' (3 endpoints: 2 ejected, 1 unhealthy)");
      assertThat(events).last().isEqualTo("none: no available endpoint in 'orders' (3 endpoints: 2 ejected, 1 unhealthy)");
    }
  }

  @Test
  void belowThePanicThreshold_picksSpreadOverAllEndpoints_andPanicEndsWhenEnoughAreBack() {
    try (LoadBalancer lb = balancer(50, List.of(A, B, C, D))) {
      tracker.set(A, EndpointHealth.EJECTED);
      tracker.set(B, EndpointHealth.UNHEALTHY);
      assertThat(spread(lb, 40)).containsOnlyKeys(C, D); // 2 of 4 available: at the threshold, no panic

      tracker.set(C, EndpointHealth.CIRCUIT_OPEN); // 1 of 4: panic
      Map<Endpoint, Integer> counts = spread(lb, 4_000);
      assertThat(counts).containsOnlyKeys(A, B, C, D);
      assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(900, 1100));

      tracker.set(A, EndpointHealth.AVAILABLE); // 2 of 4: calm
      assertThat(spread(lb, 40)).containsOnlyKeys(A, D);
      assertThat(events).containsSubsequence("panic 1/4", "calm 2/4");
      assertThat(events.stream().filter(e -> e.startsWith("panic"))).hasSize(1);
    }
  }

  @Test
  void panic_leavesOutEndpointsReportedUnreachable_whileAnotherAnswers_untilTheyAnswerAgain() {
    try (LoadBalancer lb = balancer(50, List.of(A, B, C))) {
      tracker.set(A, EndpointHealth.UNHEALTHY);
      tracker.set(B, EndpointHealth.EJECTED); // 1 of 3 available: panic over all three
      assertThat(spread(lb, 300)).containsOnlyKeys(A, B, C);

      unreachable(lb, A);
      assertThat(spread(lb, 300)).containsOnlyKeys(B, C);
      unreachable(lb, B);
      assertThat(spread(lb, 300)).containsOnlyKeys(C);

      tracker.set(A, EndpointHealth.AVAILABLE); // out of panic: health decides again, A is offered
      assertThat(spread(lb, 300)).containsOnlyKeys(A, C);
      tracker.set(A, EndpointHealth.UNHEALTHY); // panic again: A still counts as silent, B too
      assertThat(spread(lb, 300)).containsOnlyKeys(C);

      // A silent endpoint comes back through health, and its next answer (even a failing one)
      // ends its silence: then panic offers it again.
      tracker.set(B, EndpointHealth.AVAILABLE);
      try (Lease lease = leaseOn(lb, B)) {
        lease.failure();
      }
      tracker.set(B, EndpointHealth.EJECTED);
      assertThat(spread(lb, 300)).containsOnlyKeys(B, C);
    }
  }

  @Test
  void panic_whenEveryEndpointIsUnreachable_picksAmongAll() {
    try (LoadBalancer lb = balancer(50, List.of(A, B))) {
      tracker.set(A, EndpointHealth.UNHEALTHY);
      tracker.set(B, EndpointHealth.UNHEALTHY);
      unreachable(lb, A);
      unreachable(lb, B);

      assertThat(spread(lb, 100)).containsOnlyKeys(A, B);
    }
  }

  @Test
  void unreachable_outsidePanic_isAnOrdinaryFailure() {
    try (LoadBalancer lb = balancer(50, List.of(A, B))) {
      unreachable(lb, A);

      assertThat(spread(lb, 100)).containsOnlyKeys(A, B);
      assertThat(lb.stats().get(0).failures()).isEqualTo(1);
      assertThat(tracker.outcomes).containsExactly(A.address() + " failed");
    }
  }

  private static void unreachable(LoadBalancer lb, Endpoint endpoint) {
    try (Lease lease = leaseOn(lb, endpoint)) {
      assertThat(lease.unreachable(new java.net.ConnectException("Connection refused"))).isTrue();
      assertThat(lease.unreachable(new java.net.ConnectException("again"))).as("one report per lease").isFalse();
    }
  }

  /** A lease on {@code endpoint}, taken by picking until the balancer offers it. */
  private static Lease leaseOn(LoadBalancer lb, Endpoint endpoint) {
    for (int i = 0; i < 1_000; i++) {
      Lease lease = lb.acquire();
      if (lease.endpoint().equals(endpoint)) {
        return lease;
      }
      lease.close();
    }
    throw new AssertionError(endpoint + " is not offered: " + lb.stats());
  }

  @Test
  void panicWithNothingAvailable_stillPicks() {
    try (LoadBalancer lb = balancer(LoadBalancer.DEFAULT_PANIC_THRESHOLD, List.of(A, B))) {
      tracker.set(A, EndpointHealth.UNHEALTHY);
      tracker.set(B, EndpointHealth.UNHEALTHY);

      assertThat(spread(lb, 20)).containsOnlyKeys(A, B);
    }
  }

  @Test
  void anEndpointOnTrial_takesOnlyTheCallsItsTrackerAdmits_andOnlyThroughLeases() {
    try (LoadBalancer lb = balancer(0, List.of(A, B))) {
      tracker.set(A, EndpointHealth.TRIAL);
      assertThat(spread(lb, 20)).containsOnlyKeys(B); // plain picks never go to trial

      tracker.trialPermits.set(2);
      List<Lease> leases = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        leases.add(lb.acquire());
      }
      assertThat(leases.stream().filter(l -> l.endpoint().equals(A))).hasSize(2);
      assertThat(leases.get(0).endpoint()).isEqualTo(A); // a trial goes first while permitted
      leases.get(0).success();
      leases.forEach(Lease::close);

      assertThat(tracker.outcomes).containsExactly("10.0.0.1:80 ok");
      assertThat(tracker.released).hasValue(1); // the second trial closed without an outcome
    }
  }

  @Test
  void trialsAreOfferedEvenWhenNothingElseIsAvailable() {
    try (LoadBalancer lb = balancer(0, List.of(A))) {
      tracker.set(A, EndpointHealth.TRIAL);
      assertThatThrownBy(lb::acquire)
          .isInstanceOf(NoAvailableEndpointException.class)
          .hasMessage("no available endpoint in 'orders' (1 endpoint: 1 on trial)");
      tracker.trialPermits.set(1);

      try (Lease lease = lb.acquire()) {
        assertThat(lease.endpoint()).isEqualTo(A);
      }
    }
  }

  @Test
  void theTracker_hearsOutcomesAndListChanges_andStopsWithTheBalancer() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A, B));
    LoadBalancer lb = LoadBalancer.builder("orders").executor(Runnable::run).source(source).healthTracker(() -> tracker).build();
    try (Lease lease = lb.acquire()) {
      lease.failure();
    }
    source.update(List.of(B, C));
    lb.close();

    assertThat(tracker.outcomes).hasSize(1).allSatisfy(o -> assertThat(o).endsWith(" failed"));
    assertThat(tracker.changes).containsExactly("+[" + A + ", " + B + "] -[]", "+[" + C + "] -[" + A + "]");
    assertThat(tracker.closed).isTrue();
  }

  @Test
  void allOf_isAvailableOnlyWhenEveryTrackerAgrees() {
    ManualHealthTracker second = new ManualHealthTracker();
    try (LoadBalancer lb =
        LoadBalancer.builder("orders").executor(Runnable::run).endpoints(List.of(A, B, C)).panicThreshold(0)
            .healthTracker(HealthTrackers.allOf(() -> tracker, () -> second)).build()) {
      tracker.set(A, EndpointHealth.EJECTED);
      second.set(B, EndpointHealth.UNHEALTHY);

      assertThat(spread(lb, 20)).containsOnlyKeys(C);
      second.set(C, EndpointHealth.CIRCUIT_OPEN);
      assertThatThrownBy(lb::pick)
          .hasMessage("no available endpoint in 'orders' (3 endpoints: 1 ejected, 1 circuit open, 1 unhealthy)");
    }
    assertThat(tracker.closed).isTrue();
    assertThat(second.closed).isTrue();
  }

  @Test
  void badInput_isRefusedWithItsName() {
    LoadBalancer.Builder builder = LoadBalancer.builder("orders").executor(Runnable::run);
    assertThatThrownBy(() -> builder.panicThreshold(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("panicThreshold: -1 (expected: 0-100)");
    assertThatThrownBy(() -> builder.panicThreshold(101)).hasMessage("panicThreshold: 101 (expected: 0-100)");
    assertThatThrownBy(() -> builder.healthTracker(null)).isInstanceOf(NullPointerException.class).hasMessage("policy");
    assertThatThrownBy(() -> builder.slowStart(java.time.Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("window: PT0S (expected: a positive duration)");
    assertThatThrownBy(() -> builder.slowStart(java.time.Duration.ofSeconds(30), 0))
        .hasMessage("minWeightPercent: 0 (expected: 1-100)");
    assertThatThrownBy(() -> builder.slowStart(java.time.Duration.ofSeconds(30), 101))
        .hasMessage("minWeightPercent: 101 (expected: 1-100)");
    assertThatThrownBy(() -> HealthTrackers.allOf())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("policies: [] (expected: at least one policy)");
    HealthPolicy manual = () -> tracker;
    assertThatThrownBy(() -> HealthTrackers.allOf(manual, null)).isInstanceOf(NullPointerException.class).hasMessage("policies[1]");
  }

  @Test
  void aPolicyThatReturnsNoTracker_failsTheBuild() {
    LoadBalancer.Builder builder = LoadBalancer.builder("orders").executor(Runnable::run).endpoints(List.of(A)).healthTracker(() -> null);

    assertThatThrownBy(builder::build).isInstanceOf(NullPointerException.class).hasMessage("policy.newTracker()");
  }

  @Test
  void allOf_refusesOneTrackerTwice_whenTwoPoliciesReturnTheSameInstance() {
    HealthPolicy manual = () -> tracker; // the same tracker every time: the policy appears twice, the tracker may not
    LoadBalancer.Builder builder =
        LoadBalancer.builder("orders").executor(Runnable::run).endpoints(List.of(A)).healthTracker(HealthTrackers.allOf(manual, manual));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("trackers: ")
        .hasMessageEndingWith(" from policies 0 and 1 (expected: a new tracker from each policy)");
    assertThat(tracker.changes).as("nothing was started").isEmpty();
  }

  @Test
  void aRefreshThePickerRefuses_isTriedAgainAfterABackoff_notAtEveryPick() {
    FakeTicker ticker = new FakeTicker();
    java.util.concurrent.atomic.AtomicInteger creates = new java.util.concurrent.atomic.AtomicInteger();
    PickerFactory flaky =
        ready -> {
          if (creates.incrementAndGet() > 1 && ready.size() < 3) {
            throw new IllegalStateException("refused");
          }
          return context -> 0;
        };
    try (LoadBalancer lb =
        LoadBalancer.builder("orders").executor(Runnable::run).endpoints(List.of(A, B, C)).picker(flaky).ticker(ticker)
            .healthTracker(() -> tracker).panicThreshold(0).build()) {
      tracker.set(A, EndpointHealth.EJECTED); // refused: the offer stays A, B, C
      int afterRefusal = creates.get();
      for (int i = 0; i < 100; i++) {
        lb.pick();
      }
      assertThat(creates.get()).isEqualTo(afterRefusal);
      ticker.advance(java.time.Duration.ofSeconds(1));
      lb.pick();

      assertThat(creates.get()).isEqualTo(afterRefusal + 1);
    }
  }
}
