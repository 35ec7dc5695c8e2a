package dev.roundabout.lb.micrometer;

import static java.util.Objects.requireNonNull;

import dev.roundabout.lb.CallListener;
import dev.roundabout.lb.CallOutcome;
import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancer;
import dev.roundabout.lb.LoadBalancerListener;
import dev.roundabout.lb.Ticker;
import dev.roundabout.lb.health.EndpointHealth;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Publishes one {@link LoadBalancer}'s state as Micrometer meters, tagged
 * {@code balancer=<name>}.
 *
 * <pre>{@code
 * LoadBalancerMetrics metrics = LoadBalancerMetrics.create();
 * LoadBalancer lb = LoadBalancer.builder("orders")
 *     .endpoints(endpoints)
 *     .listener(metrics.listener())          // events: endpoints joining and leaving, ejections, panic...
 *     .callListener(metrics.callListener())  // every call's outcome and duration: the call timers
 *     .build();
 * metrics.forBalancer(lb).bindTo(registry);
 * }</pre>
 *
 * <p>A balancer takes its listeners at build time and the binder needs the built balancer, hence
 * two steps: {@link #listener()} and {@link #callListener()} go to the builder,
 * {@link #forBalancer} names the balancer built with them, and {@link #bindTo} registers the
 * meters (in one registry or several). Without the listener the gauges of endpoint states and the
 * per-endpoint gauges still work (they read {@link LoadBalancer#stats()} on scrape), but the event
 * counters stay at zero and panic at 0; without the call listener the call timers stay at zero.
 * Give each balancer a {@code LoadBalancerMetrics} of its own.
 *
 * <p>Meters (Prometheus names in parentheses):
 *
 * <ul>
 *   <li>{@code roundabout.lb.endpoints} gauge, tag {@code state} = {@code available},
 *       {@code trial}, {@code ejected}, {@code circuit_open}, {@code unhealthy}, {@code unknown}
 *       ({@code roundabout_lb_endpoints}): endpoints in each health state;
 *   <li>{@code roundabout.lb.endpoints.known} gauge: every current endpoint;
 *   <li>{@code roundabout.lb.panic} gauge: 1 while the balancer is in panic, else 0 (listener);
 *   <li>{@code roundabout.lb.ejections} counter, tag {@code reason} = {@code ejected} or
 *       {@code circuit_open} ({@code roundabout_lb_ejections_total}); {@code
 *       roundabout.lb.restorations}; {@code roundabout.lb.health.check.failures} (listener);
 *   <li>per endpoint, tags {@code endpoint=host:port} and {@code zone} when the endpoint has one:
 *       {@code roundabout.lb.endpoint.in.flight} gauge; {@code roundabout.lb.endpoint.calls}
 *       timer, tag {@code outcome} = {@code success}, {@code failure} or {@code unreachable}
 *       ({@code roundabout_lb_endpoint_calls_seconds_count} and {@code _sum}: by default a
 *       function timer over two adders, the cheapest to record; with
 *       {@link Builder#percentileHistogram} or {@link Builder#serviceLevelObjectives} a Micrometer
 *       {@code Timer}, which adds {@code _max} and {@code _bucket}): every call whose lease reported
 *       an outcome, timed on the balancer's ticker from acquire to the report (call listener);
 *       {@code roundabout.lb.endpoint.available} gauge: 1 while health offers the endpoint
 *       ({@code available}), 0 while it is ejected, its circuit open, unhealthy, on trial or
 *       unknown, so {@code roundabout_lb_endpoint_available == 0} names the endpoints out;
 *       {@code roundabout.lb.endpoint.latency.ewma} gauge in seconds
 *       ({@code roundabout_lb_endpoint_latency_ewma_seconds}), NaN before the first outcome.
 * </ul>
 *
 * <p>Per-endpoint meters are registered when an endpoint joins (the listener's added event, or
 * the first scrape that finds it) and removed from every registry when it leaves, so that the
 * registry holds meters of current endpoints only. For very large pools turn them off with
 * {@link Builder#perEndpointMeters(boolean) perEndpointMeters(false)}. A call that ends while its
 * endpoint has no meters (before its first scrape or added event, or after it left) is not timed.
 *
 * <p>Thread-safe. Nothing here runs on the pick path. The call listener runs on the outcome path:
 * it finds the endpoint's timers in a concurrent map by address and records into them, allocating
 * nothing (nor do the timers of Micrometer's simple and Prometheus registries, without percentile
 * histogram; see lb-benchmarks' {@code MetricsBenchmark}). The other values are read from
 * {@link LoadBalancer#stats()} on scrape (at most once a second, shared by every meter of a
 * scrape, so figures may be up to a second old) and from events on the balancer's update path.
 * Registering and removing meters takes a lock shared by the update path and scrapes; it is held
 * only while meters are registered or removed.
 */
public final class LoadBalancerMetrics implements MeterBinder {
  private static final long STATS_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final boolean perEndpointMeters;
  private final TimerOptions timerOptions;
  private final Ticker ticker;
  private final EventCounts events = new EventCounts(this);
  private final CallListener calls = new CallListener() {
    @Override
    public void onCall(String balancerName, Endpoint endpoint, CallOutcome outcome, long durationNanos) {
      EndpointMeters meters = endpoints.get(endpoint.address());
      if (meters != null) {
        meters.record(outcome, durationNanos);
      }
    }

    @Override
    public String toString() {
      return "LoadBalancerMetrics.callListener()";
    }
  };
  private final Object lock = new Object();
  private volatile @Nullable LoadBalancer balancer;
  private volatile @Nullable StatsView view;
  private volatile Tags tags = Tags.empty();
  // Under lock: the registries bound so far. The meters of the current endpoints by address:
  // changed under lock, read without it by the call listener.
  private final List<MeterRegistry> registries = new ArrayList<>();
  private final Map<String, EndpointMeters> endpoints = new ConcurrentHashMap<>();
  private long reconciledAt = Long.MIN_VALUE;

  private LoadBalancerMetrics(Builder builder) {
    this.perEndpointMeters = builder.perEndpointMeters;
    this.timerOptions = new TimerOptions(builder.percentileHistogram, builder.serviceLevelObjectives);
    this.ticker = builder.ticker;
  }

  /** Metrics with the default options: per-endpoint meters on, call timers without histogram. */
  public static LoadBalancerMetrics create() {
    return builder().build();
  }

  /** A builder of metrics with options. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The listener to give to {@code LoadBalancer.builder(name).listener(...)}: it counts ejections,
   * restorations, failed health checks and panic, and registers or removes per-endpoint meters as
   * endpoints join and leave. Always the same instance.
   */
  public LoadBalancerListener listener() {
    return events;
  }

  /**
   * The call listener to give to {@code LoadBalancer.builder(name).callListener(...)}: it times
   * every call into its endpoint's {@code roundabout.lb.endpoint.calls} timer of its outcome, in
   * every registry bound. Allocation-free; a no-op with {@code perEndpointMeters(false)}. Always the
   * same instance.
   */
  public CallListener callListener() {
    return calls;
  }

  /**
   * Names the balancer these metrics describe (the one built with {@link #listener()}, if it was
   * given). Returns this, for {@code forBalancer(lb).bindTo(registry)}.
   *
   * @throws NullPointerException if {@code balancer} is null
   * @throws IllegalStateException if another balancer was given before
   */
  public LoadBalancerMetrics forBalancer(LoadBalancer balancer) {
    requireNonNull(balancer, "balancer");
    synchronized (lock) {
      LoadBalancer current = this.balancer;
      if (current != null && current != balancer) {
        throw new IllegalStateException("balancer: '" + balancer.name() + "' (expected: the balancer given before, '"
            + current.name() + "'; one LoadBalancerMetrics per balancer)");
      }
      this.tags = Tags.of("balancer", balancer.name());
      this.view = new StatsView(balancer, ticker, STATS_MAX_AGE_NANOS);
      this.balancer = balancer;
    }
    return this;
  }

  /**
   * Registers the meters in {@code registry}. May be called for several registries.
   *
   * @throws NullPointerException if {@code registry} is null
   * @throws IllegalStateException if {@link #forBalancer} was not called first
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    requireNonNull(registry, "registry");
    StatsView v = view;
    LoadBalancer lb = balancer;
    if (v == null || lb == null) {
      throw new IllegalStateException("balancer: none (expected: forBalancer(lb) before bindTo(registry))");
    }
    for (EndpointHealth health : EndpointHealth.values()) {
      Gauge.builder(MeterNames.ENDPOINTS, v, s -> s.read().counts().get(health))
          .description("Endpoints of the balancer in each health state")
          .tags(tags)
          .tag("state", health.name().toLowerCase(Locale.ROOT))
          .strongReference(true)
          .register(registry);
    }
    Gauge.builder(MeterNames.ENDPOINTS_KNOWN, this, LoadBalancerMetrics::known)
        .description("Endpoints the balancer knows, whatever their health")
        .tags(tags)
        .strongReference(true)
        .register(registry);
    Gauge.builder(MeterNames.PANIC, events, EventCounts::panic)
        .description("1 while the balancer is in panic (picks go to every endpoint), else 0")
        .tags(tags)
        .strongReference(true)
        .register(registry);
    FunctionCounter.builder(MeterNames.EJECTIONS, events, EventCounts::ejected)
        .description("Endpoints taken out of rotation by outlier detection or an open circuit")
        .tags(tags).tag("reason", "ejected")
        .register(registry);
    FunctionCounter.builder(MeterNames.EJECTIONS, events, EventCounts::circuitOpened)
        .description("Endpoints taken out of rotation by outlier detection or an open circuit")
        .tags(tags).tag("reason", "circuit_open")
        .register(registry);
    FunctionCounter.builder(MeterNames.RESTORATIONS, events, EventCounts::restored)
        .description("Endpoints back in rotation after an ejection or an open circuit")
        .tags(tags)
        .register(registry);
    FunctionCounter.builder(MeterNames.HEALTH_CHECK_FAILURES, events, EventCounts::healthCheckFailed)
        .description("Endpoints that failed their active health checks")
        .tags(tags)
        .register(registry);
    synchronized (lock) {
      registries.add(registry);
      if (perEndpointMeters) {
        for (EndpointMeters m : endpoints.values()) {
          m.registerIn(registry);
        }
        reconcile(lb.endpoints(), v);
      }
    }
  }

  /** Every current endpoint; reconciles the per-endpoint meters with the reading, on scrape. */
  private double known() {
    StatsView v = Objects.requireNonNull(view);
    StatsView.Reading r = v.read();
    if (perEndpointMeters) {
      synchronized (lock) {
        if (r.readAt() != reconciledAt) {
          reconciledAt = r.readAt();
          List<Endpoint> current = new ArrayList<>(r.list().size());
          r.list().forEach(s -> current.add(s.endpoint()));
          reconcile(current, v);
        }
      }
    }
    return r.list().size();
  }

  /** Registers meters of new endpoints and removes those of endpoints gone; under lock. */
  private void reconcile(List<Endpoint> current, StatsView v) {
    Set<String> addresses = new HashSet<>(current.size() * 2);
    for (Endpoint e : current) {
      addresses.add(e.address());
      add(e, v);
    }
    endpoints.values().removeIf(m -> {
      if (addresses.contains(m.endpoint().address())) {
        return false;
      }
      m.removeAll();
      return true;
    });
  }

  /** Registers the meters of {@code endpoint} unless they exist with the same zone; under lock. */
  private void add(Endpoint endpoint, StatsView v) {
    EndpointMeters existing = endpoints.get(endpoint.address());
    if (existing != null) {
      if (Objects.equals(existing.endpoint().zone(), endpoint.zone())) {
        return;
      }
      existing.removeAll(); // the zone tag changed
    }
    EndpointMeters meters = new EndpointMeters(endpoint, v, tags, timerOptions);
    for (MeterRegistry registry : registries) {
      meters.registerIn(registry);
    }
    endpoints.put(endpoint.address(), meters);
  }

  /** From the listener, on the balancer's update path. */
  void endpointAdded(String balancerName, Endpoint endpoint) {
    StatsView v = view;
    if (!perEndpointMeters || v == null || !isOurs(balancerName)) {
      return;
    }
    synchronized (lock) {
      add(endpoint, v);
    }
    v.invalidate();
  }

  /** From the listener, on the balancer's update path. */
  void endpointRemoved(String balancerName, Endpoint endpoint) {
    StatsView v = view;
    if (!perEndpointMeters || v == null || !isOurs(balancerName)) {
      return;
    }
    synchronized (lock) {
      EndpointMeters meters = endpoints.remove(endpoint.address());
      if (meters != null) {
        meters.removeAll();
      }
    }
    v.invalidate();
  }

  private boolean isOurs(String balancerName) {
    LoadBalancer lb = balancer;
    return lb != null && lb.name().equals(balancerName);
  }

  @Override
  public String toString() {
    LoadBalancer lb = balancer;
    return "LoadBalancerMetrics{" + (lb == null ? "no balancer" : lb.name())
        + (perEndpointMeters ? "" : ", no per-endpoint meters") + '}';
  }

  /** Builds {@link LoadBalancerMetrics}. Not thread-safe. */
  public static final class Builder {
    private boolean perEndpointMeters = true;
    private boolean percentileHistogram;
    private List<Duration> serviceLevelObjectives = List.of();
    private Ticker ticker = Ticker.system();

    private Builder() {}

    /**
     * Whether each endpoint gets meters of its own (six per endpoint and registry: the in-flight
     * gauge, three call timers, the availability and latency EWMA gauges); default true. Turn off for pools of thousands
     * of endpoints, where the balancer-level meters suffice.
     */
    public Builder perEndpointMeters(boolean enabled) {
      this.perEndpointMeters = enabled;
      return this;
    }

    /**
     * Whether the call timers publish a percentile histogram (Prometheus:
     * {@code roundabout_lb_endpoint_calls_seconds_bucket}, for {@code histogram_quantile}); default
     * false. It costs about 70 series more per timer, so per endpoint and outcome: with many
     * endpoints, mind the cardinality.
     */
    public Builder percentileHistogram(boolean enabled) {
      this.percentileHistogram = enabled;
      return this;
    }

    /**
     * Adds histogram buckets at these call durations to every call timer (Prometheus:
     * {@code roundabout_lb_endpoint_calls_seconds_bucket{le="0.1"}}), so that the share of calls
     * within an objective can be queried without the full percentile histogram; default none. Each
     * call replaces the durations given before; none turns them off.
     *
     * @throws NullPointerException if the array or a duration is null
     * @throws IllegalArgumentException if a duration is zero or negative
     */
    public Builder serviceLevelObjectives(Duration... objectives) {
      requireNonNull(objectives, "objectives");
      for (int i = 0; i < objectives.length; i++) {
        Duration d = requireNonNull(objectives[i], "objectives[" + i + "]");
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException(
              "objectives[" + i + "]: " + d + " (expected: a positive duration)");
        }
      }
      this.serviceLevelObjectives = List.of(objectives);
      return this;
    }

    /** The clock that ages the scrape's stats reading; tests pass a fake. */
    Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    /** Builds the metrics; they describe no balancer until {@link LoadBalancerMetrics#forBalancer}. */
    public LoadBalancerMetrics build() {
      return new LoadBalancerMetrics(this);
    }
  }
}
