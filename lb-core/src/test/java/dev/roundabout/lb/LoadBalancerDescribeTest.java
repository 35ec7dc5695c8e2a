package dev.roundabout.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.health.EndpointHealth;
import dev.roundabout.lb.health.HealthReason;
import dev.roundabout.lb.health.ManualHealthTracker;
import dev.roundabout.lb.health.OutlierDetector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoadBalancerDescribeTest {
  private final FakeTicker ticker = new FakeTicker();
  private final List<Lease> open = new ArrayList<>();
  private final List<LoadBalancer> balancers = new ArrayList<>();

  private final Endpoint a = Endpoint.of("10.0.0.1", 8080);
  private final Endpoint b = Endpoint.builder("10.0.0.2", 8080).weight(3).build();
  private final Endpoint c = Endpoint.of("10.0.0.3", 8080);
  private final Endpoint d = Endpoint.of("10.0.0.4", 8080);
  private final Endpoint e = Endpoint.of("10.0.0.5", 8080);

  @AfterEach
  void closeEverything() {
    open.forEach(Lease::close);
    for (LoadBalancer lb : balancers) {
      for (EndpointStats stats : lb.stats()) {
        assertThat(stats.inFlight()).as("leases left open on %s", stats.endpoint()).isZero();
      }
      lb.close();
    }
  }

  private LoadBalancer.Builder builder(String name) {
    return LoadBalancer.builder(name).executor(Runnable::run).ticker(ticker).random(new SplittableRandom(42));
  }

  private LoadBalancer track(LoadBalancer lb) {
    balancers.add(lb);
    return lb;
  }

  /** A call to {@code endpoint} that takes {@code latency} and succeeds or fails. */
  private void call(LoadBalancer lb, Endpoint endpoint, Duration latency, boolean success) {
    try (Lease lease = lb.acquireIfReady(endpoint.address())) {
      assertThat(lease).as("a lease on %s", endpoint).isNotNull();
      ticker.advance(latency);
      if (success) {
        lease.success();
      } else {
        lease.failure(new IOException("connection reset"));
      }
    }
  }

  private Lease hold(LoadBalancer lb, Endpoint endpoint) {
    Lease lease = lb.acquireIfReady(endpoint.address());
    assertThat(lease).as("a lease on %s", endpoint).isNotNull();
    open.add(lease);
    return lease;
  }

  @Test
  void describe_showsPickerHealthReasonsSlowStartDrainingAndFigures_asAnAlignedTable() throws IOException {
    MutableEndpointSource source = EndpointSource.mutable(List.of(a, b, c, e));
    LoadBalancer lb = track(builder("orders")
        .source(source)
        .picker(Pickers.maglev())
        .healthTracker(OutlierDetector.builder().consecutiveFailures(3).baseEjectionTime(Duration.ofSeconds(30)).build())
        .slowStart(Duration.ofSeconds(10))
        .build());
    call(lb, a, Duration.ofMillis(40), true);
    call(lb, a, Duration.ofMillis(40), true);
    hold(lb, a);
    call(lb, b, Duration.ofMillis(12), true);
    for (int i = 0; i < 3; i++) {
      call(lb, c, Duration.ofMillis(250), false);
    }
    hold(lb, e);
    ticker.advance(Duration.ofSeconds(5));
    source.update(List.of(a, b, c, d)); // d joins (slow start), e leaves with a call in flight
    ticker.advance(Duration.ofMillis(3_500));
    lb.pick(); // a due slow-start step is applied on the way

    LoadBalancerDescription description = lb.describe();

    assertThat(description.toString()).isEqualTo("""
        load balancer 'orders', picker maglev(tableSize=65537): 4 endpoints, 3 ready, 1 draining
        ENDPOINT       WEIGHT  IN FLIGHT  LATENCY  OK  FAILED  STATE
        10.0.0.1:8080       1          1     40ms   2       0  available
        10.0.0.2:8080       3          0     12ms   1       0  available
        10.0.0.3:8080       1          0    250ms   0       3  ejected for 21.5s more: 3 failures in a row, ejection 1 of 30s
        10.0.0.4:8080       1          0        -   0       0  available, slow start at 35% of weight
        10.0.0.5:8080       1          1        -   0       0  draining: removed from the list, calls in flight finish""");
    assertThat(Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8))
        .as("the README shows this table")
        .contains("```\n" + description + "\n```\n");
  }

  @Test
  void describe_givesTheSameFactsAsAccessors() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(a, c, e));
    LoadBalancer lb = track(builder("orders")
        .source(source)
        .healthTracker(OutlierDetector.builder().consecutiveFailures(2).baseEjectionTime(Duration.ofSeconds(10)).build())
        .build());
    call(lb, c, Duration.ofMillis(5), false);
    call(lb, c, Duration.ofMillis(5), false);
    Lease draining = hold(lb, e);
    source.update(List.of(a, c));
    ticker.advance(Duration.ofSeconds(4));

    LoadBalancerDescription description = lb.describe();

    assertThat(description.name()).isEqualTo("orders");
    assertThat(description.picker()).isEqualTo("roundRobin");
    assertThat(description.closed()).isFalse();
    assertThat(description.panic()).isFalse();
    assertThat(description.endpoints()).extracting(d -> d.endpoint().address())
        .containsExactly("10.0.0.1:8080", "10.0.0.3:8080", "10.0.0.5:8080");
    EndpointDescription ejected = description.endpoint("10.0.0.3:8080").orElseThrow();
    assertThat(ejected.health()).isEqualTo(EndpointHealth.EJECTED);
    assertThat(ejected.ready()).isFalse();
    assertThat(ejected.reason()).isEqualTo(
        HealthReason.of(EndpointHealth.EJECTED, "2 failures in a row, ejection 1 of 10s")
            .until(ticker.read() + Duration.ofSeconds(6).toNanos()));
    assertThat(ejected.state()).isEqualTo("ejected for 6s more: 2 failures in a row, ejection 1 of 10s");
    assertThat(ejected.stats().failures()).isEqualTo(2);
    EndpointDescription available = description.endpoint("10.0.0.1:8080").orElseThrow();
    assertThat(available.ready()).isTrue();
    assertThat(available.reason()).isNull();
    assertThat(available.slowStartShare()).isEqualTo(1.0);
    EndpointDescription removed = description.endpoint("10.0.0.5:8080").orElseThrow();
    assertThat(removed.draining()).isTrue();
    assertThat(removed.ready()).isFalse();
    assertThat(removed.stats().inFlight()).isEqualTo(1);
    assertThat(description.endpoint("10.0.0.9:8080")).isEmpty();

    draining.close(); // the last call of the removed endpoint ends: it is no longer described
    assertThat(lb.describe().endpoints()).extracting(d -> d.endpoint().address())
        .containsExactly("10.0.0.1:8080", "10.0.0.3:8080");
  }

  @Test
  void describe_inPanic_saysSoAndShowsWhoIsPickedAndWhoIsLeftOut() {
    ManualHealthTracker tracker = new ManualHealthTracker();
    LoadBalancer lb = track(builder("orders").endpoints(List.of(a, c, d)).healthTracker(() -> tracker).build());
    try (Lease lease = lb.acquireIfReady(a.address())) {
      lease.unreachable(new IOException("connection refused"));
    }
    tracker.set(c, EndpointHealth.EJECTED);
    tracker.set(d, EndpointHealth.UNHEALTHY);

    LoadBalancerDescription description = lb.describe();

    assertThat(description.panic()).isTrue();
    assertThat(description.toString()).isEqualTo("""
        load balancer 'orders', picker roundRobin: 3 endpoints, 2 ready; PANIC: 1 of 3 available (threshold 50%), \
        picking among all that answer
        ENDPOINT       WEIGHT  IN FLIGHT  LATENCY  OK  FAILED  STATE
        10.0.0.1:8080       1          0       0s   0       1  available, left out in panic: no answer to its latest call
        10.0.0.3:8080       1          0        -   0       0  ejected; picked in panic
        10.0.0.4:8080       1          0        -   0       0  unhealthy; picked in panic""");
  }

  @Test
  void describe_showsTheReasonPublishedWithTheSnapshot_notOneTheTrackerGaveSince() {
    ExplainingTracker tracker = new ExplainingTracker();
    LoadBalancer lb = track(builder("orders").endpoints(List.of(a, c)).healthTracker(() -> tracker).build());
    tracker.reason = HealthReason.of(EndpointHealth.CIRCUIT_OPEN, "tripped by the test");
    tracker.set(c, EndpointHealth.CIRCUIT_OPEN);
    tracker.reason = HealthReason.of(EndpointHealth.CIRCUIT_OPEN, "changed without a refresh");

    assertThat(lb.describe().endpoint(c.address()).orElseThrow().state()).isEqualTo("circuit open: tripped by the test");
    assertThat(tracker.reasonsAsked).as("describe() never asks the tracker").isEqualTo(1);

    tracker.set(c, EndpointHealth.CIRCUIT_OPEN); // a refresh asks again
    assertThat(lb.describe().endpoint(c.address()).orElseThrow().state())
        .isEqualTo("circuit open: changed without a refresh");
  }

  @Test
  void describe_dropsAReasonForAnotherHealth_andOneThatThrows() {
    ExplainingTracker tracker = new ExplainingTracker();
    LoadBalancer lb = track(builder("orders").endpoints(List.of(a, c)).healthTracker(() -> tracker).build());
    tracker.reason = HealthReason.of(EndpointHealth.EJECTED, "a reason for ejection");
    tracker.set(c, EndpointHealth.UNHEALTHY);
    assertThat(lb.describe().endpoint(c.address()).orElseThrow().reason()).isNull();

    tracker.reason = null;
    tracker.throwOnReason = true;
    tracker.set(c, EndpointHealth.EJECTED);
    EndpointDescription described = lb.describe().endpoint(c.address()).orElseThrow();
    assertThat(described.health()).isEqualTo(EndpointHealth.EJECTED);
    assertThat(described.reason()).isNull();
    assertThat(described.state()).isEqualTo("ejected");
  }

  @Test
  void describe_ofATrackerWithoutReasons_showsTheHealthAlone() {
    ManualHealthTracker tracker = new ManualHealthTracker(); // implements no reason(): the default says nothing
    LoadBalancer lb = track(builder("orders").endpoints(List.of(a, c, d)).healthTracker(() -> tracker).build());
    tracker.set(c, EndpointHealth.TRIAL);

    EndpointDescription described = lb.describe().endpoint(c.address()).orElseThrow();

    assertThat(described.state()).isEqualTo("on trial");
    assertThat(described.ready()).isFalse();
  }

  @Test
  void describe_ofAClosedBalancer_saysItIsClosed() {
    LoadBalancer lb = builder("orders").endpoints(List.of(a)).picker(Pickers.adaptive()).build();
    lb.close();

    LoadBalancerDescription description = lb.describe();

    assertThat(description.closed()).isTrue();
    assertThat(description.endpoints()).isEmpty();
    assertThat(description).hasToString("load balancer 'orders', picker adaptive(decay=10s, failurePenalty=1s): closed");
  }

  @Test
  void healthReason_refusesWhatItCannotExplain() {
    assertThatThrownBy(() -> HealthReason.of(EndpointHealth.AVAILABLE, "fine"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("health: AVAILABLE (expected: a health that keeps the endpoint out, not AVAILABLE)");
    assertThatThrownBy(() -> HealthReason.of(EndpointHealth.EJECTED, " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("detail: \" \" (expected: a non-blank text)");
    assertThatThrownBy(() -> HealthReason.of(EndpointHealth.EJECTED, "x").endNanos())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("reason 'ejected: x' has no end (expected: hasEnd() first)");
    assertThat(HealthReason.of(EndpointHealth.EJECTED, "x").until(42)).hasToString("ejected: x (until 42)");
  }

  /** A tracker whose verdicts and reason the test sets, and that counts the reasons asked. */
  private static final class ExplainingTracker implements dev.roundabout.lb.health.HealthTracker {
    private final ManualHealthTracker verdicts = new ManualHealthTracker();
    volatile @org.jspecify.annotations.Nullable HealthReason reason;
    volatile boolean throwOnReason;
    int reasonsAsked;

    void set(Endpoint endpoint, EndpointHealth health) {
      verdicts.set(endpoint, health);
    }

    @Override
    public void start(dev.roundabout.lb.health.HealthContext context) {
      verdicts.start(context);
    }

    @Override
    public void endpointsChanged(List<Endpoint> endpoints, List<Endpoint> added, List<Endpoint> removed) {}

    @Override
    public EndpointHealth health(Endpoint endpoint, long nowNanos) {
      return verdicts.health(endpoint, nowNanos);
    }

    @Override
    public @org.jspecify.annotations.Nullable HealthReason reason(Endpoint endpoint, long nowNanos) {
      reasonsAsked++;
      if (throwOnReason) {
        throw new IllegalStateException("no reason today");
      }
      return reason;
    }

    @Override
    public void onOutcome(Endpoint endpoint, boolean success, long latencyNanos, @org.jspecify.annotations.Nullable Throwable cause) {}

    @Override
    public void close() {}
  }
}
