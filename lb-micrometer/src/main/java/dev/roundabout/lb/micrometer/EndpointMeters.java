package dev.roundabout.lb.micrometer;

import static java.util.Objects.requireNonNull;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.CallOutcome;
import dev.roundabout.lb.EndpointStats;
import dev.roundabout.lb.health.EndpointHealth;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one endpoint, in every registry the metrics are bound to: calls in flight, a call
 * timer per outcome, availability, latency EWMA. Registered when the endpoint appears, removed from each
 * registry when it leaves.
 *
 * <p>Registration and removal run under the lock of {@link LoadBalancerMetrics}; the value
 * functions run on scrape threads and read the shared {@link StatsView}. An endpoint missing from
 * the latest reading (it joined after it, or is leaving) shows its last known figures.
 * {@link #record} runs on the outcome path of any thread: it reads the timers through one volatile
 * field, which registration replaces with a copy (a call recorded while a registry is being added
 * may miss that registry's timer; one recorded after removal goes to a timer no registry holds).
 */
final class EndpointMeters {
  private record Registered(MeterRegistry registry, Meter meter) {}

  private final Endpoint endpoint;
  private final StatsView view;
  private final Tags tags;
  private final TimerOptions timerOptions;
  private final List<Registered> registered = new ArrayList<>(); // under the metrics' lock
  /** One timer per registry for each outcome; replaced, never changed in place (percentile options only). */
  private volatile EnumMap<CallOutcome, Timer[]> timers = noTimers();
  /**
   * Without percentile options: each outcome's count and total nanoseconds, which a
   * {@code FunctionTimer} per registry reads on scrape; a call adds to two adders and nothing else.
   */
  private final boolean plain;
  private final EnumMap<CallOutcome, Sums> sums = sums();

  /** An outcome's calls and their total nanoseconds. */
  private record Sums(LongAdder count, LongAdder totalNanos) {
    long calls() {
      return count.sum();
    }

    double nanos() {
      return totalNanos.sum();
    }
  }
  private volatile @Nullable EndpointStats last;

  EndpointMeters(Endpoint endpoint, StatsView view, Tags balancerTags, TimerOptions timerOptions) {
    this.endpoint = endpoint;
    this.view = view;
    this.timerOptions = timerOptions;
    this.plain = !timerOptions.needsTimer();
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
    EnumMap<CallOutcome, Timer[]> next = new EnumMap<>(CallOutcome.class);
    for (CallOutcome outcome : CallOutcome.values()) {
      String outcomeTag = outcome.name().toLowerCase(Locale.ROOT);
      String description = "Calls on this endpoint by outcome, timed from acquire to the reported outcome";
      if (plain) {
        add(registry, FunctionTimer.builder(MeterNames.ENDPOINT_CALLS, requireNonNull(sums.get(outcome)),
                Sums::calls, Sums::nanos, TimeUnit.NANOSECONDS)
            .description(description)
            .tags(tags)
            .tag("outcome", outcomeTag)
            .register(registry));
        continue;
      }
      Timer timer = timerOptions.applyTo(Timer.builder(MeterNames.ENDPOINT_CALLS))
          .description(description)
          .tags(tags)
          .tag("outcome", outcomeTag)
          .register(registry);
      add(registry, timer);
      Timer[] current = requireNonNull(timers.get(outcome));
      Timer[] added = Arrays.copyOf(current, current.length + 1);
      added[current.length] = timer;
      next.put(outcome, added);
    }
    if (!plain) {
      timers = next;
    }
    add(registry, Gauge.builder(MeterNames.ENDPOINT_AVAILABLE, this, EndpointMeters::available)
        .description("1 while health offers this endpoint (available), 0 while it is ejected, its circuit is open,"
            + " it failed its health checks, is on trial or not checked yet")
        .tags(tags)
        .strongReference(true)
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
    timers = noTimers();
    for (Registered r : registered) {
      r.registry().remove(r.meter());
    }
    registered.clear();
  }

  /** Times one call in every registry; on the outcome path, allocates nothing. */
  void record(CallOutcome outcome, long durationNanos) {
    if (plain) {
      Sums s = requireNonNull(sums.get(outcome));
      s.count().increment();
      s.totalNanos().add(durationNanos);
      return;
    }
    for (Timer timer : requireNonNull(timers.get(outcome))) {
      timer.record(durationNanos, TimeUnit.NANOSECONDS);
    }
  }

  private static EnumMap<CallOutcome, Sums> sums() {
    EnumMap<CallOutcome, Sums> sums = new EnumMap<>(CallOutcome.class);
    for (CallOutcome outcome : CallOutcome.values()) {
      sums.put(outcome, new Sums(new LongAdder(), new LongAdder()));
    }
    return sums;
  }

  private static EnumMap<CallOutcome, Timer[]> noTimers() {
    EnumMap<CallOutcome, Timer[]> none = new EnumMap<>(CallOutcome.class);
    for (CallOutcome outcome : CallOutcome.values()) {
      none.put(outcome, new Timer[0]);
    }
    return none;
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

  private double available() {
    EndpointStats s = stats();
    return s != null && s.health() == EndpointHealth.AVAILABLE ? 1 : 0;
  }

  private double latencySeconds() {
    EndpointStats s = stats();
    Optional<Duration> ewma = s == null ? Optional.empty() : s.latencyEwma();
    return ewma.map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }
}
