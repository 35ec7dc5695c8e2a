package dev.roundabout.lb.health;

import static dev.roundabout.lb.health.HealthTesting.fail;
import static dev.roundabout.lb.health.HealthTesting.healthOf;
import static dev.roundabout.lb.health.HealthTesting.picks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.FakeTicker;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.LoadBalancerListener;
import dev.roundabout.lb.Pickers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OutlierDetectorTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 80);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 80);
  private static final Endpoint C = Endpoint.of("10.0.0.3", 80);

  private final FakeTicker ticker = new FakeTicker();
  private final List<String> events = new ArrayList<>();
  private final LoadBalancerListener listener =
      new LoadBalancerListener() {
        @Override
        public void onEndpointEjected(String balancer, Endpoint endpoint, EndpointHealth reason) {
          events.add("ejected " + endpoint.host() + " " + reason);
        }

        @Override
        public void onEndpointRestored(String balancer, Endpoint endpoint) {
          events.add("restored " + endpoint.host());
        }
      };

  /** The tracker {@code detector} creates for one balancer, whose ejections a test can count. */
  private static OutlierTracker trackerOf(OutlierDetector detector) {
    return (OutlierTracker) detector.newTracker();
  }

  private LoadBalancer balancer(OutlierTracker tracker, List<Endpoint> endpoints) {
    return balancer(() -> tracker, endpoints);
  }

  private LoadBalancer balancer(HealthPolicy detector, List<Endpoint> endpoints) {
    return LoadBalancer.builder("orders").executor(Runnable::run)
        .endpoints(endpoints)
        .picker(Pickers.roundRobin())
        .ticker(ticker)
        .random(new SplittableRandom(1))
        .healthTracker(detector)
        .panicThreshold(0)
        .listener(listener)
        .build();
  }

  /** Makes calls until {@code failures} of them went to {@code sick} and failed; the others succeed. */
  @Test
  void fiveConsecutiveFailures_eject_forThirtySeconds_thenTheEndpointIsBack() {
    try (LoadBalancer lb = balancer(OutlierDetector.ofDefaults(), List.of(A, B, C))) {
      fail(lb, A, 4);
      assertThat(picks(lb, 30)).contains(A);

      fail(lb, A, 1);
      assertThat(picks(lb, 30)).containsExactlyInAnyOrder(B, C);
      assertThat(healthOf(lb, A)).isEqualTo(EndpointHealth.EJECTED);
      ticker.advance(Duration.ofSeconds(30).minusNanos(1));
      assertThat(picks(lb, 30)).doesNotContain(A);
      ticker.advance(Duration.ofNanos(1));

      assertThat(picks(lb, 30)).contains(A);
      assertThat(healthOf(lb, A)).isEqualTo(EndpointHealth.AVAILABLE);
      assertThat(events).containsExactly("ejected 10.0.0.1 EJECTED", "restored 10.0.0.1");
    }
  }

  @Test
  void aSecondEjection_lastsSixtySeconds_andHealthyTimeDecaysTheMultiplier() {
    try (LoadBalancer lb = balancer(OutlierDetector.ofDefaults(), List.of(A, B, C))) {
      fail(lb, A, 5);
      ticker.advance(Duration.ofSeconds(30));
      assertThat(picks(lb, 30)).contains(A);

      fail(lb, A, 5); // at once: the multiplier is 2
      ticker.advance(Duration.ofSeconds(59));
      assertThat(picks(lb, 30)).doesNotContain(A);
      ticker.advance(Duration.ofSeconds(1));
      assertThat(picks(lb, 30)).contains(A);

      ticker.advance(Duration.ofSeconds(60)); // two base times in: the multiplier decays from 2 to 0
      fail(lb, A, 5);
      ticker.advance(Duration.ofSeconds(30));
      assertThat(picks(lb, 30)).contains(A);
    }
  }

  @Test
  void ejectionTime_isCappedAtTheMaximum() {
    OutlierDetector detector =
        OutlierDetector.builder().baseEjectionTime(Duration.ofSeconds(30)).maxEjectionTime(Duration.ofSeconds(45)).build();
    try (LoadBalancer lb = balancer(detector, List.of(A, B, C))) {
      fail(lb, A, 5);
      ticker.advance(Duration.ofSeconds(30));
      fail(lb, A, 5); // 60 s, capped to 45
      ticker.advance(Duration.ofSeconds(45));

      assertThat(picks(lb, 30)).contains(A);
    }
  }

  @Test
  void aPoolOfTwo_losesAtMostOne_andAPoolOfOneIsNeverEmptied() {
    try (LoadBalancer two = balancer(OutlierDetector.ofDefaults(), List.of(A, B))) {
      fail(two, A, 5);
      fail(two, B, 20);

      assertThat(picks(two, 10)).containsExactly(B);
    }
    OutlierTracker detector = trackerOf(OutlierDetector.builder().maxEjectionPercent(100).build());
    try (LoadBalancer one = balancer(detector, List.of(A))) {
      fail(one, A, 50);

      assertThat(one.pick()).isEqualTo(A);
      assertThat(detector.ejectedCount(ticker.read())).isZero();
    }
  }

  @Test
  void maxEjectionPercent_capsTheShareEjectedAtOnce() {
    List<Endpoint> ten = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ten.add(Endpoint.of("10.0.1." + i, 80));
    }
    OutlierTracker detector = trackerOf(OutlierDetector.builder().maxEjectionPercent(30).build());
    try (LoadBalancer lb = balancer(detector, ten)) {
      for (Endpoint sick : ten.subList(0, 5)) {
        fail(lb, sick, 5);
      }

      assertThat(detector.ejectedCount(ticker.read())).isEqualTo(3);
      assertThat(picks(lb, 100)).hasSize(7);
    }
  }

  @Test
  void failureRate_catchesAnEndpointThatFailsEveryOtherCall() {
    OutlierTracker withRate = trackerOf(OutlierDetector.builder().failureRate(50, 20, Duration.ofSeconds(30)).build());
    OutlierTracker consecutiveOnly = trackerOf(OutlierDetector.builder().withoutFailureRate().build());
    assertThat(alternate(consecutiveOnly, 40)).contains(A);
    assertThat(alternate(withRate, 40)).doesNotContain(A);
  }

  /** Calls that go to A alternately succeed and fail; returns where picks go after {@code calls}. */
  private Set<Endpoint> alternate(OutlierTracker detector, int callsToA) {
    try (LoadBalancer lb = balancer(detector, List.of(A, B, C))) {
      int toA = 0;
      while (toA < callsToA && detector.ejectedCount(ticker.read()) == 0) {
        try (Lease lease = lb.acquire()) {
          if (lease.endpoint().equals(A)) {
            if (toA++ % 2 == 0) {
              lease.failure();
            } else {
              lease.success();
            }
          } else {
            lease.success();
          }
        }
      }
      return picks(lb, 30);
    }
  }

  @Test
  void failureRate_needsTheMinimumCalls_andForgetsCallsOutsideTheWindow() {
    OutlierTracker detector =
        trackerOf(OutlierDetector.builder().withoutConsecutiveFailures().failureRate(50, 10, Duration.ofSeconds(10)).build());
    try (LoadBalancer lb = balancer(detector, List.of(A, B, C))) {
      fail(lb, A, 9);
      assertThat(detector.ejectedCount(ticker.read())).isZero(); // 9 calls to A: below the minimum
      ticker.advance(Duration.ofSeconds(11)); // those fall out of the window
      fail(lb, A, 9);
      assertThat(detector.ejectedCount(ticker.read())).isZero();
      fail(lb, A, 1);

      assertThat(detector.ejectedCount(ticker.read())).isEqualTo(1);
    }
  }

  @Test
  void aRemovedEndpoint_isForgotten_andFreesItsEjection() {
    dev.roundabout.lb.MutableEndpointSource source = dev.roundabout.lb.EndpointSource.mutable(List.of(A, B, C));
    OutlierTracker detector = trackerOf(OutlierDetector.ofDefaults());
    try (LoadBalancer lb =
        LoadBalancer.builder("orders").executor(Runnable::run).source(source).ticker(ticker).healthTracker(() -> detector).panicThreshold(0).build()) {
      fail(lb, A, 5);
      assertThat(detector.ejectedCount(ticker.read())).isEqualTo(1);
      source.update(List.of(B, C));
      assertThat(detector.ejectedCount(ticker.read())).isZero();
      source.update(List.of(A, B, C));

      assertThat(picks(lb, 30)).contains(A); // back as a new endpoint, not ejected
    }
  }

  @Test
  void oneDetector_servesTwoBalancers_andAnEjectionInOneIsNoEjectionInTheOther() {
    OutlierDetector detector = OutlierDetector.ofDefaults();
    try (LoadBalancer first = balancer(detector, List.of(A, B, C));
        LoadBalancer second = balancer(detector, List.of(A, B, C))) {
      fail(first, A, 5);

      assertThat(picks(first, 30)).containsExactlyInAnyOrder(B, C);
      assertThat(picks(second, 30)).containsExactlyInAnyOrder(A, B, C);
      assertThat(healthOf(second, A)).isEqualTo(EndpointHealth.AVAILABLE);
      fail(second, A, 4);
      assertThat(picks(second, 30)).as("the first balancer's failures do not count in the second").contains(A);
      ticker.advance(Duration.ofSeconds(30));
      assertThat(picks(first, 30)).contains(A);
    }
    assertThat(events).containsExactly("ejected 10.0.0.1 EJECTED", "restored 10.0.0.1"); // all of the first balancer
  }

  @Test
  void badInput_isRefusedWithItsName() {
    OutlierDetector.Builder builder = OutlierDetector.builder();
    assertThatThrownBy(() -> builder.consecutiveFailures(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("consecutiveFailures: 0 (expected: 1 or more)");
    assertThatThrownBy(() -> builder.failureRate(0, 20, Duration.ofSeconds(1)))
        .hasMessage("failureRatePercent: 0 (expected: 1-100)");
    assertThatThrownBy(() -> builder.failureRate(101, 20, Duration.ofSeconds(1)))
        .hasMessage("failureRatePercent: 101 (expected: 1-100)");
    assertThatThrownBy(() -> builder.failureRate(50, 0, Duration.ofSeconds(1)))
        .hasMessage("minimumCalls: 0 (expected: 1 or more)");
    assertThatThrownBy(() -> builder.failureRate(50, 20, Duration.ZERO))
        .hasMessage("window: PT0S (expected: a positive duration)");
    assertThatThrownBy(() -> builder.baseEjectionTime(Duration.ofSeconds(-1)))
        .hasMessage("baseEjectionTime: PT-1S (expected: a positive duration)");
    assertThatThrownBy(() -> builder.maxEjectionTime(null)).isInstanceOf(NullPointerException.class).hasMessage("maxEjectionTime");
    assertThatThrownBy(() -> builder.maxEjectionPercent(-1)).hasMessage("maxEjectionPercent: -1 (expected: 0-100)");
    assertThatThrownBy(() -> builder.maxEjectionPercent(101)).hasMessage("maxEjectionPercent: 101 (expected: 0-100)");
    assertThatThrownBy(() -> OutlierDetector.builder().maxEjectionTime(Duration.ofSeconds(10)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("maxEjectionTime: PT10S (expected: at least baseEjectionTime PT30S)");
  }

  @Test
  void theEjectionEndsOnTime_evenWhileAnotherTrackerKeepsTheEndpointOut() {
    ManualHealthTracker other = new ManualHealthTracker();
    OutlierTracker detector = trackerOf(OutlierDetector.ofDefaults());
    try (LoadBalancer lb =
        LoadBalancer.builder("orders").executor(Runnable::run).endpoints(List.of(A, B, C)).picker(Pickers.roundRobin()).ticker(ticker)
            .healthTracker(HealthTrackers.allOf(() -> other, () -> detector)).panicThreshold(0).build()) {
      fail(lb, A, 5);
      other.set(A, EndpointHealth.UNHEALTHY);
      ticker.advance(Duration.ofSeconds(30));
      assertThat(detector.ejectedCount(ticker.read())).isZero();
      fail(lb, B, 5); // the slot A held is free again
      assertThat(detector.ejectedCount(ticker.read())).isEqualTo(1);

      other.set(A, EndpointHealth.AVAILABLE);
      assertThat(picks(lb, 30)).containsExactlyInAnyOrder(A, C);
    }
  }

  @Test
  void theMultiplier_stopsGrowingOnceTheEjectionTimeIsCapped() {
    OutlierDetector detector =
        OutlierDetector.builder().baseEjectionTime(Duration.ofSeconds(30)).maxEjectionTime(Duration.ofSeconds(60)).build();
    try (LoadBalancer lb = balancer(detector, List.of(A, B, C))) {
      for (int i = 0; i < 10; i++) { // ten ejections in a row: each capped at 60 s
        fail(lb, A, 5);
        ticker.advance(Duration.ofSeconds(60));
      }
      ticker.advance(Duration.ofSeconds(60)); // two base times in: the multiplier, capped at 2, decays to 0
      fail(lb, A, 5);
      ticker.advance(Duration.ofSeconds(30));

      assertThat(picks(lb, 30)).contains(A);
    }
  }
}
