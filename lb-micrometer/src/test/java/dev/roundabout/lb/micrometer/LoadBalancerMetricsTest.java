package dev.roundabout.lb.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.EndpointSource;
import dev.roundabout.lb.Lease;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.LoadBalancerListener;
import dev.roundabout.lb.MutableEndpointSource;
import dev.roundabout.lb.health.OutlierDetector;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoadBalancerMetricsTest {
  private static final Endpoint A = Endpoint.builder("10.0.0.1", 8080).zone("eu-west-1a").build();
  private static final Endpoint B = Endpoint.of("10.0.0.2", 8080);
  private static final Endpoint C = Endpoint.of("10.0.0.3", 8080);

  private final FakeTicker ticker = new FakeTicker();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<LoadBalancer> balancers = new ArrayList<>();

  @AfterEach
  void closeBalancers() {
    balancers.forEach(LoadBalancer::close);
    registry.close();
  }

  private LoadBalancer build(LoadBalancer.Builder builder) {
    LoadBalancer lb = builder.executor(Runnable::run).ticker(ticker).build();
    balancers.add(lb);
    return lb;
  }

  /** Lets the next read of a meter read the balancer again (the stats reading lives a second). */
  private void nextScrape() {
    ticker.advance(Duration.ofSeconds(2));
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  private FunctionTimer calls(String endpoint, String outcome) {
    return registry.get("roundabout.lb.endpoint.calls").tags("endpoint", endpoint, "outcome", outcome).functionTimer();
  }

  /** A balancer over {@code endpoints} with both of the metrics' listeners, bound to the registry. */
  private LoadBalancer instrumented(LoadBalancerMetrics metrics, LoadBalancer.Builder builder) {
    LoadBalancer lb = build(builder.listener(metrics.listener()).callListener(metrics.callListener()));
    metrics.forBalancer(lb).bindTo(registry);
    return lb;
  }

  @Test
  void scriptedRun_withEjection_showsStatesCountersAndPerEndpointFigures() {
    LoadBalancerMetrics metrics = LoadBalancerMetrics.builder().ticker(ticker).build();
    LoadBalancer lb = instrumented(metrics, LoadBalancer.builder("orders")
        .endpoints(List.of(A, B, C))
        .healthTracker(OutlierDetector.builder().consecutiveFailures(3).build()));

    for (int i = 0; i < 30; i++) {
      try (Lease lease = lb.acquire()) {
        ticker.advance(Duration.ofMillis(20));
        if (lease.endpoint().equals(A)) {
          lease.failure(new IOException("boom"));
        } else {
          lease.success();
        }
      }
    }
    nextScrape();

    assertThat(gauge("roundabout.lb.endpoints.known", "balancer", "orders")).isEqualTo(3);
    assertThat(gauge("roundabout.lb.endpoints", "balancer", "orders", "state", "available")).isEqualTo(2);
    assertThat(gauge("roundabout.lb.endpoints", "balancer", "orders", "state", "ejected")).isEqualTo(1);
    assertThat(gauge("roundabout.lb.endpoints", "balancer", "orders", "state", "unhealthy")).isZero();
    assertThat(gauge("roundabout.lb.panic", "balancer", "orders")).isZero();
    assertThat(counter("roundabout.lb.ejections", "balancer", "orders", "reason", "ejected")).isEqualTo(1);
    assertThat(counter("roundabout.lb.restorations", "balancer", "orders")).isZero();
    FunctionTimer failures = registry.get("roundabout.lb.endpoint.calls")
        .tags("endpoint", "10.0.0.1:8080", "zone", "eu-west-1a", "outcome", "failure").functionTimer();
    assertThat(failures.count()).isEqualTo(3);
    assertThat(failures.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(60);
    assertThat(calls("10.0.0.1:8080", "success").count()).isZero();
    assertThat(calls("10.0.0.2:8080", "success").count() + calls("10.0.0.3:8080", "success").count()).isEqualTo(27);
    assertThat(calls("10.0.0.2:8080", "unreachable").count()).isZero();
    assertThat(gauge("roundabout.lb.endpoint.latency.ewma", "endpoint", "10.0.0.2:8080")).isCloseTo(0.020, within());
    assertThat(gauge("roundabout.lb.endpoint.in.flight", "endpoint", "10.0.0.2:8080")).isZero();
    assertThat(gauge("roundabout.lb.endpoint.available", "endpoint", "10.0.0.1:8080")).isZero();
    assertThat(gauge("roundabout.lb.endpoint.available", "endpoint", "10.0.0.2:8080")).isEqualTo(1);
    assertThat(registry.get("roundabout.lb.endpoint.in.flight").tags("endpoint", "10.0.0.2:8080").meter().getId()
        .getTag("zone")).isNull();

    // The ejection ends after the base ejection time; the next pick brings A back.
    ticker.advance(OutlierDetector.DEFAULT_BASE_EJECTION_TIME.plusSeconds(1));
    lb.pick();
    nextScrape();
    assertThat(counter("roundabout.lb.restorations", "balancer", "orders")).isEqualTo(1);
    assertThat(gauge("roundabout.lb.endpoints", "balancer", "orders", "state", "available")).isEqualTo(3);
    assertThat(gauge("roundabout.lb.endpoint.available", "endpoint", "10.0.0.1:8080")).isEqualTo(1);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }

  @Test
  void inFlight_countsOpenLeases() {
    LoadBalancerMetrics metrics = LoadBalancerMetrics.builder().ticker(ticker).build();
    LoadBalancer lb = build(LoadBalancer.builder("orders").endpoints(List.of(B)).listener(metrics.listener()));
    metrics.forBalancer(lb).bindTo(registry);
    try (Lease first = lb.acquire(); Lease second = lb.acquire()) {
      nextScrape();
      assertThat(gauge("roundabout.lb.endpoint.in.flight", "endpoint", "10.0.0.2:8080")).isEqualTo(2);
      assertThat(gauge("roundabout.lb.endpoint.latency.ewma", "endpoint", "10.0.0.2:8080")).isNaN();
    }
  }

  @Test
  void endpointLeaving_removesItsMeters_andJoining_registersThem() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A, B));
    LoadBalancerMetrics metrics = LoadBalancerMetrics.builder().ticker(ticker).build();
    LoadBalancer lb = build(LoadBalancer.builder("orders").source(source).listener(metrics.listener()));
    metrics.forBalancer(lb).bindTo(registry);
    assertThat(endpointTags()).containsExactlyInAnyOrder("10.0.0.1:8080", "10.0.0.2:8080");

    source.update(List.of(B, C));

    assertThat(endpointTags()).containsExactlyInAnyOrder("10.0.0.2:8080", "10.0.0.3:8080");
    assertThat(registry.find("roundabout.lb.endpoint.calls").tag("endpoint", "10.0.0.1:8080").meters()).isEmpty();
  }

  @Test
  void callTimers_timeEachOutcomeOnTheBalancersTicker_fromAcquireToReport() {
    LoadBalancerMetrics metrics = LoadBalancerMetrics.builder().ticker(ticker).build();
    LoadBalancer lb = instrumented(metrics, LoadBalancer.builder("orders").endpoints(List.of(B)));
    for (int ms : new int[] {10, 30}) {
      try (Lease lease = lb.acquire()) {
        ticker.advance(Duration.ofMillis(ms));
        lease.success();
        ticker.advance(Duration.ofMillis(100)); // after the report: not timed
      }
    }
    try (Lease lease = lb.acquire()) {
      ticker.advance(Duration.ofMillis(3));
      lease.unreachable(new ConnectException("refused"));
    }
    try (Lease lease = lb.acquire()) {
      ticker.advance(Duration.ofMillis(250));
      lease.failure();
    }
    lb.acquire().close(); // abandoned: no outcome, not timed

    FunctionTimer success = calls("10.0.0.2:8080", "success");
    assertThat(success.count()).isEqualTo(2);
    assertThat(success.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40);
    assertThat(calls("10.0.0.2:8080", "unreachable").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(3);
    assertThat(calls("10.0.0.2:8080", "failure").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(250);
    assertThat(success.getId().getBaseUnit()).isEqualTo("seconds");
    assertThat(registry.find("roundabout.lb.endpoint.calls").timers()).as("a count and a sum by default: no Timer").isEmpty();
  }

  @Test
  void serviceLevelObjectives_addBuckets() {
    LoadBalancerMetrics metrics = LoadBalancerMetrics.builder().ticker(ticker)
        .serviceLevelObjectives(Duration.ofMillis(50), Duration.ofMillis(200))
        .build();
    LoadBalancer lb = instrumented(metrics, LoadBalancer.builder("orders").endpoints(List.of(B)));
    for (int ms : new int[] {10, 60, 300}) {
      try (Lease lease = lb.acquire()) {
        ticker.advance(Duration.ofMillis(ms));
        lease.success();
      }
    }

    CountAtBucket[] buckets = registry.get("roundabout.lb.endpoint.calls")
        .tags("endpoint", "10.0.0.2:8080", "outcome", "success").timer().takeSnapshot().histogramCounts();
    assertThat(buckets).extracting(b -> b.bucket(TimeUnit.MILLISECONDS)).containsExactly(50.0, 200.0);
    assertThat(buckets).extracting(CountAtBucket::count).containsExactly(1.0, 2.0);

  }

  @Test
  void serviceLevelObjectives_badInput_isRejectedWithItsPosition() {
    LoadBalancerMetrics.Builder builder = LoadBalancerMetrics.builder();
    assertThatThrownBy(() -> builder.serviceLevelObjectives(Duration.ofMillis(10), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("objectives[1]: PT0S (expected: a positive duration)");
    assertThatThrownBy(() -> builder.serviceLevelObjectives(Duration.ofMillis(-5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("objectives[0]: PT-0.005S (expected: a positive duration)");
    assertThatThrownBy(() -> builder.serviceLevelObjectives(Duration.ofMillis(10), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("objectives[1]");
  }

  @Test
  void twoRegistries_eachTimeEveryCall() {
    LoadBalancerMetrics metrics = LoadBalancerMetrics.builder().ticker(ticker).build();
    LoadBalancer lb = instrumented(metrics, LoadBalancer.builder("orders").endpoints(List.of(B)));
    SimpleMeterRegistry second = new SimpleMeterRegistry();
    metrics.bindTo(second);
    try (Lease lease = lb.acquire()) {
      ticker.advance(Duration.ofMillis(5));
      lease.success();
    }
    assertThat(calls("10.0.0.2:8080", "success").count()).isEqualTo(1);
    assertThat(second.get("roundabout.lb.endpoint.calls").tags("outcome", "success").functionTimer().count()).isEqualTo(1);
    second.close();
  }

  @Test
  void aCallEndingAfterItsEndpointLeft_isNotTimed_andRegistersNothing() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A, B));
    LoadBalancerMetrics metrics = LoadBalancerMetrics.builder().ticker(ticker).build();
    LoadBalancer lb = instrumented(metrics, LoadBalancer.builder("orders").source(source));
    Lease onA = lb.acquire(dev.roundabout.lb.PickContext.empty().avoiding(B));
    assertThat(onA.endpoint()).isEqualTo(A);
    source.update(List.of(B));
    onA.success();
    onA.close();

    assertThat(registry.find("roundabout.lb.endpoint.calls").tag("endpoint", "10.0.0.1:8080").meters()).isEmpty();
    assertThat(registry.find("roundabout.lb.endpoint.calls").meters()).hasSize(3);
  }

  @Test
  void withoutListener_scrapeReconcilesPerEndpointMeters_andEventCountersStayZero() {
    MutableEndpointSource source = EndpointSource.mutable(List.of(A, B));
    LoadBalancerMetrics metrics = LoadBalancerMetrics.builder().ticker(ticker).build();
    LoadBalancer lb = build(LoadBalancer.builder("orders").source(source));
    metrics.forBalancer(lb).bindTo(registry);

    source.update(List.of(C));
    nextScrape();
    assertThat(gauge("roundabout.lb.endpoints.known", "balancer", "orders")).isEqualTo(1);

    assertThat(endpointTags()).containsExactly("10.0.0.3:8080");
    assertThat(counter("roundabout.lb.ejections", "balancer", "orders", "reason", "ejected")).isZero();
  }

  @Test
  void perEndpointMetersOff_registersBalancerMetersOnly() {
    LoadBalancerMetrics metrics = LoadBalancerMetrics.builder().perEndpointMeters(false).ticker(ticker).build();
    LoadBalancer lb = instrumented(metrics, LoadBalancer.builder("orders").endpoints(List.of(A, B, C)));
    try (Lease lease = lb.acquire()) {
      lease.success();
    }
    nextScrape();

    assertThat(gauge("roundabout.lb.endpoints.known", "balancer", "orders")).isEqualTo(3);
    assertThat(registry.getMeters()).noneMatch(m -> m.getId().getName().startsWith("roundabout.lb.endpoint."));
  }

  @Test
  void tenThousandEndpointsReplacedOverTime_keepMetersOfCurrentEndpointsOnly() {
    MutableEndpointSource source = EndpointSource.mutable(List.of());
    LoadBalancerMetrics metrics = LoadBalancerMetrics.builder().ticker(ticker).percentileHistogram(true).build();
    LoadBalancer lb = instrumented(metrics, LoadBalancer.builder("orders").source(source));
    int balancerMeters = registry.getMeters().size();
    int maxMeters = 0;
    for (int round = 0; round < 500; round++) {
      List<Endpoint> pool = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        int n = round * 20 + i; // 10,000 distinct endpoints in all, 20 at a time
        pool.add(Endpoint.of("10.1." + (n / 250) + "." + (n % 250), 8080));
      }
      source.update(pool);
      for (int call = 0; call < 20; call++) { // a call on each, timed with the histogram on
        try (Lease lease = lb.acquire()) {
          ticker.advance(Duration.ofMillis(1 + call));
          lease.success();
        }
      }
      if (round % 50 == 0) {
        nextScrape();
        registry.getMeters().forEach(LoadBalancerMetricsTest::read);
      }
      maxMeters = Math.max(maxMeters, registry.getMeters().size());
    }
    assertThat(maxMeters).isEqualTo(balancerMeters + 20 * 6);
    assertThat(endpointTags()).hasSize(20);
    assertThat(registry.find("roundabout.lb.endpoint.calls").timers()).hasSize(20 * 3)
        .allSatisfy(t -> assertThat(t.getId().getTag("endpoint")).startsWith("10.1.39."));
    assertThat(registry.find("roundabout.lb.endpoint.calls").tag("outcome", "success").timers())
        .allSatisfy(t -> assertThat(t.count()).isEqualTo(1));
  }

  @Test
  void picks_reachNeitherListenerNorMeters() {
    LoadBalancerMetrics metrics = LoadBalancerMetrics.builder().ticker(ticker).build();
    AtomicInteger events = new AtomicInteger();
    LoadBalancerListener counting = new LoadBalancerListener() {
      @Override
      public void onEndpointAdded(String balancer, Endpoint endpoint) {
        events.incrementAndGet();
        metrics.listener().onEndpointAdded(balancer, endpoint);
      }
    };
    LoadBalancer lb = build(LoadBalancer.builder("orders").endpoints(List.of(A, B, C)).listener(counting));
    metrics.forBalancer(lb).bindTo(registry);
    int before = events.get();
    int meters = registry.getMeters().size();
    for (int i = 0; i < 10_000; i++) {
      lb.pick();
      lb.acquire().success();
    }
    assertThat(events.get()).isEqualTo(before);
    assertThat(registry.getMeters()).hasSize(meters);
  }

  @Test
  void bindTo_withoutBalancer_isRejected() {
    LoadBalancerMetrics metrics = LoadBalancerMetrics.create();
    assertThatThrownBy(() -> metrics.bindTo(registry))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("balancer: none (expected: forBalancer(lb) before bindTo(registry))");
  }

  @Test
  void forBalancer_secondBalancer_isRejected() {
    LoadBalancerMetrics metrics = LoadBalancerMetrics.create();
    LoadBalancer orders = build(LoadBalancer.builder("orders").endpoints(List.of(A)));
    LoadBalancer users = build(LoadBalancer.builder("users").endpoints(List.of(A)));
    metrics.forBalancer(orders);
    assertThatThrownBy(() -> metrics.forBalancer(users))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("balancer: 'users' (expected: the balancer given before, 'orders'; one LoadBalancerMetrics per balancer)");
  }

  private List<String> endpointTags() {
    return registry.find("roundabout.lb.endpoint.in.flight").meters().stream()
        .map(m -> m.getId().getTag("endpoint"))
        .toList();
  }

  private static void read(Meter meter) {
    meter.measure().forEach(measurement -> measurement.getValue());
  }
}
