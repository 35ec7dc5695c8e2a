package dev.roundabout.lb.micrometer;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.EndpointStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one endpoint, in every registry the metrics are bound to: calls in flight,
 * successes and failures, latency EWMA. Registered when the endpoint appears, removed from each
 * registry when it leaves.
 *
 * <p>Registration and removal run under the lock of {@link LoadBalancerMetrics}; the value
 * functions run on scrape threads and read the shared {@link StatsView}. An endpoint missing from
 * the latest reading (it joined after it, or is leaving) shows its last known figures.
 */
final class EndpointMeters {
  private record Registered(MeterRegistry registry, Meter meter) {}

  private final Endpoint endpoint;
  private final StatsView view;
  private final Tags tags;
  private final List<Registered> registered = new ArrayList<>(); // under the metrics' lock
  private volatile @Nullable EndpointStats last;

  EndpointMeters(Endpoint endpoint, StatsView view, Tags balancerTags) {
    this.endpoint = endpoint;
    this.view = view;
    String zone = endpoint.zone();
    Tags t = balancerTags.and("endpoint", endpoint.address());
    this.tags = zone == null ? t : t.and("zone", zone);
  }

  Endpoint endpoint() {
    return endpoint;
  }

  /** Registers this endpoint's meters in {@code registry}; under the metrics' lock. */
  void registerIn(MeterRegistry registry) {
    add(registry, Gauge.builder(MeterNames.ENDPOINT_IN_FLIGHT, this, EndpointMeters::inFlight)
        .description("Calls on this endpoint in flight (leases acquired and not yet closed)")
        .tags(tags)
        .strongReference(true)
        .register(registry));
    add(registry, FunctionCounter.builder(MeterNames.ENDPOINT_CALLS, this, EndpointMeters::successes)
        .description("Call outcomes reported on this endpoint since it joined")
        .tags(tags)
        .tag("outcome", "success")
        .register(registry));
    add(registry, FunctionCounter.builder(MeterNames.ENDPOINT_CALLS, this, EndpointMeters::failures)
        .description("Call outcomes reported on this endpoint since it joined")
        .tags(tags)
        .tag("outcome", "failure")
        .register(registry));
    add(registry, Gauge.builder(MeterNames.ENDPOINT_LATENCY_EWMA, this, EndpointMeters::latencySeconds)
        .description("Exponentially weighted moving average of this endpoint's call latency (newest sample weighs 0.2)")
        .tags(tags)
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry));
  }

  private void add(MeterRegistry registry, Meter meter) {
    registered.add(new Registered(registry, meter));
  }

  /** Removes this endpoint's meters from every registry; under the metrics' lock. */
  void removeAll() {
    for (Registered r : registered) {
      r.registry().remove(r.meter());
    }
    registered.clear();
  }

  private @Nullable EndpointStats stats() {
    EndpointStats s = view.read().byAddress().get(endpoint.address());
    if (s != null) {
      last = s;
      return s;
    }
    return last;
  }

  private double inFlight() {
    EndpointStats s = stats();
    return s == null ? 0 : s.inFlight();
  }

  private double successes() {
    EndpointStats s = stats();
    return s == null ? 0 : s.successes();
  }

  private double failures() {
    EndpointStats s = stats();
    return s == null ? 0 : s.failures();
  }

  private double latencySeconds() {
    EndpointStats s = stats();
    Optional<Duration> ewma = s == null ? Optional.empty() : s.latencyEwma();
    return ewma.map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }
}
