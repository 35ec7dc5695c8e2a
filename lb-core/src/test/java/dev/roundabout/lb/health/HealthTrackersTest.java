package dev.roundabout.lb.health;

import static dev.roundabout.lb.health.HealthTesting.fail;
import static dev.roundabout.lb.health.HealthTesting.healthOf;
import static dev.roundabout.lb.health.HealthTesting.picks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.EndpointSource;
import dev.roundabout.lb.FakeTicker;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.MutableEndpointSource;
import dev.roundabout.lb.Pickers;
import dev.roundabout.lb.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link HealthTrackers#allOf}: one tracker's failure never silences or overrules the others, and
 * each balancer gets trackers of its own.
 */
class HealthTrackersTest {
  private static final Endpoint A = Endpoint.of("10.0.0.1", 80);
  private static final Endpoint B = Endpoint.of("10.0.0.2", 80);
  private static final Endpoint C = Endpoint.of("10.0.0.3", 80);

  private final FakeTicker ticker = new FakeTicker();

  /** The methods a {@link Failing} tracker throws from. */
  enum Method { START, ENDPOINTS_CHANGED, HEALTH, NANOS_UNTIL_CHANGE, ON_OUTCOME, TRY_TRIAL, RELEASE_TRIAL, CLOSE }

  /** A tracker that throws from the methods it is given and otherwise has no objection. */
  static final class Failing implements HealthTracker {
    private final Set<Method> failing;
    volatile boolean started;
    volatile boolean closed;

    Failing(Method first, Method... more) {
      this.failing = EnumSet.of(first, more);
    }

    private void maybeThrow(Method method) {
      if (failing.contains(method)) {
        throw new IllegalStateException("broken " + method);
      }
    }

    @Override
    public void start(HealthContext context) {
      maybeThrow(Method.START);
      started = true;
    }

    @Override
    public void endpointsChanged(List<Endpoint> endpoints, List<Endpoint> added, List<Endpoint> removed) {
      maybeThrow(Method.ENDPOINTS_CHANGED);
    }

    @Override
    public EndpointHealth health(Endpoint endpoint, long nowNanos) {
      maybeThrow(Method.HEALTH);
      return EndpointHealth.AVAILABLE;
    }

    @Override
    public long nanosUntilChange(long nowNanos) {
      maybeThrow(Method.NANOS_UNTIL_CHANGE);
      return Long.MAX_VALUE;
    }

    @Override
    public void onOutcome(Endpoint endpoint, boolean success, long latencyNanos, @Nullable Throwable cause) {
      maybeThrow(Method.ON_OUTCOME);
    }

    @Override
    public boolean tryTrial(Endpoint endpoint) {
      maybeThrow(Method.TRY_TRIAL);
      return true;
    }

    @Override
    public void releaseTrial(Endpoint endpoint) {
      maybeThrow(Method.RELEASE_TRIAL);
    }

    @Override
    public void close() {
      closed = true;
      maybeThrow(Method.CLOSE);
    }

    @Override
    public String toString() {
      return "Failing" + failing;
    }
  }

  private LoadBalancer.Builder balancer(HealthPolicy policy) {
    return LoadBalancer.builder("orders").executor(Runnable::run).picker(Pickers.roundRobin()).ticker(ticker).healthTracker(policy).panicThreshold(0);
  }

  @Test
  void aTrackerThatThrowsFromHealth_doesNotOverruleAnotherTrackersEjection() {
    OutlierDetector detector = OutlierDetector.ofDefaults();
    try (LoadBalancer lb = balancer(HealthTrackers.allOf(() -> new Failing(Method.HEALTH), detector)).endpoints(List.of(A, B, C)).build()) {
      fail(lb, A, 5);

      assertThat(picks(lb, 30)).containsExactlyInAnyOrder(B, C);
      assertThat(healthOf(lb, A)).isEqualTo(EndpointHealth.EJECTED);
    }
  }

  @Test
  void everyTrackerThrowingFromHealth_leavesTheEndpointsAvailable() {
    HealthPolicy both = HealthTrackers.allOf(() -> new Failing(Method.HEALTH), () -> new Failing(Method.HEALTH));
    try (LoadBalancer lb = balancer(both).endpoints(List.of(A, B)).build()) {
      assertThat(picks(lb, 10)).containsExactlyInAnyOrder(A, B);
      assertThat(healthOf(lb, A)).isEqualTo(EndpointHealth.AVAILABLE);
    }
  }

  @Test
  void aTrackerThatThrowsFromNanosUntilChange_doesNotKeepAnEjectedEndpointOutForEver() {
    OutlierDetector detector = OutlierDetector.ofDefaults();
    try (LoadBalancer lb =
        balancer(HealthTrackers.allOf(detector, () -> new Failing(Method.NANOS_UNTIL_CHANGE))).endpoints(List.of(A, B, C)).build()) {
      fail(lb, A, 5);
      assertThat(picks(lb, 30)).containsExactlyInAnyOrder(B, C);

      ticker.advance(Duration.ofSeconds(30));

      assertThat(picks(lb, 30)).containsExactlyInAnyOrder(A, B, C);
      assertThat(healthOf(lb, A)).isEqualTo(EndpointHealth.AVAILABLE);
    }
  }

  @Test
  void aTrackerThatThrowsFromEndpointsChanged_doesNotKeepTheNextOneFromHearingTheChange() {
    ManualHealthTracker later = new ManualHealthTracker();
    MutableEndpointSource source = EndpointSource.mutable(List.of(A, B));
    try (LoadBalancer lb = balancer(HealthTrackers.allOf(() -> new Failing(Method.ENDPOINTS_CHANGED), () -> later)).source(source).build()) {
      source.update(List.of(B, C));

      assertThat(later.changes).containsExactly("+[" + A + ", " + B + "] -[]", "+[" + C + "] -[" + A + "]");
      assertThat(lb.endpoints()).containsExactly(B, C);
    }
  }

  @Test
  void aTrackerThatFailsToStart_closesTheTrackersStartedBeforeIt_andTheBuildFails() {
    Failing closeFails = new Failing(Method.CLOSE);
    ManualHealthTracker started = new ManualHealthTracker();
    Failing startFails = new Failing(Method.START);
    Failing never = new Failing(Method.HEALTH);
    LoadBalancer.Builder builder = balancer(HealthTrackers.allOf(() -> closeFails, () -> started, () -> startFails, () -> never)).endpoints(List.of(A));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("broken START")
        .satisfies(e -> assertThat(e.getSuppressed()).singleElement().hasToString("java.lang.IllegalStateException: broken CLOSE"));
    assertThat(closeFails.closed).isTrue();
    assertThat(started.closed).as("closed although an earlier tracker failed to close").isTrue();
    assertThat(never.started).isFalse();
    assertThat(never.closed).isFalse();
    assertThat(startFails.closed).isFalse(); // a tracker that failed to start cleans up after itself
  }

  @Test
  void oneCombination_servesTwoBalancers_eachWithTrackersOfItsOwn() {
    List<ManualHealthTracker> created = new ArrayList<>();
    HealthPolicy manual =
        () -> {
          ManualHealthTracker tracker = new ManualHealthTracker();
          created.add(tracker);
          return tracker;
        };
    HealthPolicy combined = HealthTrackers.allOf(manual, OutlierDetector.ofDefaults());
    try (LoadBalancer first = balancer(combined).endpoints(List.of(A, B, C)).build();
        LoadBalancer second = balancer(combined).endpoints(List.of(A, B, C)).build()) {
      assertThat(created).hasSize(2);
      created.get(0).set(A, EndpointHealth.EJECTED); // the first balancer's manual tracker
      fail(second, B, 5); // the second balancer's outlier detector

      assertThat(picks(first, 30)).containsExactlyInAnyOrder(B, C);
      assertThat(picks(second, 30)).containsExactlyInAnyOrder(A, C);
      assertThat(healthOf(first, B)).isEqualTo(EndpointHealth.AVAILABLE);
      assertThat(healthOf(second, A)).isEqualTo(EndpointHealth.AVAILABLE);
    }
    assertThat(created).allSatisfy(tracker -> assertThat(tracker.closed).isTrue());
  }

  @Test
  void theSamePolicyTwice_givesTwoTrackers_andWorksAsOnce() {
    OutlierDetector detector = OutlierDetector.ofDefaults();
    try (LoadBalancer lb = balancer(HealthTrackers.allOf(detector, detector)).endpoints(List.of(A, B, C)).build()) {
      fail(lb, A, 4);
      assertThat(picks(lb, 30)).contains(A); // each tracker heard each outcome once

      fail(lb, A, 1);
      assertThat(picks(lb, 30)).containsExactlyInAnyOrder(B, C);
      assertThat(healthOf(lb, A)).isEqualTo(EndpointHealth.EJECTED);
    }
  }

  @Test
  void aBuiltInTracker_thatALambdaGivesTwoBalancers_servesOnlyTheFirst() {
    HealthTracker one = OutlierDetector.ofDefaults().newTracker();
    try (LoadBalancer first = balancer(() -> one).endpoints(List.of(A)).build()) {
      LoadBalancer.Builder second = LoadBalancer.builder("payments").executor(Runnable::run).endpoints(List.of(A)).healthTracker(() -> one);

      assertThatThrownBy(second::build)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("OutlierDetector tracker already serves load balancer 'orders'"
              + " (expected: a new tracker for each balancer, from HealthPolicy.newTracker())");
      assertThat(first.pick()).isEqualTo(A);
    }
  }

  @Test
  void aTrackerThatThrowsFromTryTrial_doesNotObject_andTheOthersDecide() {
    ManualHealthTracker manual = new ManualHealthTracker();
    try (LoadBalancer lb = balancer(HealthTrackers.allOf(() -> new Failing(Method.TRY_TRIAL), () -> manual)).endpoints(List.of(A, B)).build()) {
      manual.set(A, EndpointHealth.TRIAL);
      manual.trialPermits.set(1);

      try (Lease lease = lb.acquire()) {
        assertThat(lease.endpoint()).isEqualTo(A);
        lease.success();
      }
      assertThat(manual.trialPermits).hasValue(0);
      assertThat(manual.outcomes).containsExactly(A.address() + " ok");
    }
  }

  @Test
  void everyTrackerThrowingFromTryTrial_refusesTheTrial() {
    HealthTracker combined = HealthTrackers.allOf(() -> new Failing(Method.TRY_TRIAL), () -> new Failing(Method.TRY_TRIAL)).newTracker();
    combined.start(new FixedContext());

    assertThat(combined.tryTrial(A)).isFalse();
  }

  @Test
  void everyTrackerHearsOutcomesReleasesAndClose_evenWhenAnotherThrows() {
    Failing broken = new Failing(Method.ON_OUTCOME, Method.RELEASE_TRIAL, Method.CLOSE);
    ManualHealthTracker manual = new ManualHealthTracker();
    HealthTracker combined = HealthTrackers.allOf(() -> broken, () -> manual).newTracker();
    combined.start(new FixedContext());

    combined.onOutcome(A, false, 1_000, null);
    combined.releaseTrial(A);
    combined.close();

    assertThat(manual.outcomes).containsExactly(A.address() + " failed");
    assertThat(manual.released).hasValue(1);
    assertThat(manual.closed).isTrue();
    assertThat(broken.closed).isTrue();
  }

  /** A context for trackers started outside a balancer. */
  private final class FixedContext implements HealthContext {
    @Override
    public String balancerName() {
      return "orders";
    }

    @Override
    public Ticker ticker() {
      return ticker;
    }

    @Override
    public RandomGenerator random() {
      return new SplittableRandom(1);
    }

    @Override
    public List<Endpoint> endpoints() {
      return List.of(A);
    }

    @Override
    public void refresh() {}
  }
}
