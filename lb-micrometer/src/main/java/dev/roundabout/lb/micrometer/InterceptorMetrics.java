package dev.roundabout.lb.micrometer;

import static java.util.Objects.requireNonNull;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.okhttp.InterceptorListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * Publishes what an OkHttp {@code LoadBalancingInterceptor} does as Micrometer counters, tagged
 * {@code service=<logical host>}. Needs lb-okhttp, an optional dependency of lb-micrometer: an
 * application that balances OkHttp calls has it already; {@link LoadBalancerMetrics} never needs it.
 *
 * <pre>{@code
 * InterceptorMetrics metrics = InterceptorMetrics.create();
 * LoadBalancingInterceptor lbi = LoadBalancingInterceptor.builder()
 *     .service("orders", ordersLb)
 *     .listener(metrics)
 *     .build();
 * metrics.bindTo(registry);
 * }</pre>
 *
 * <p>Counters (Prometheus names in parentheses):
 *
 * <ul>
 *   <li>{@code roundabout.okhttp.attempts} ({@code roundabout_okhttp_attempts_total}): attempts
 *       sent to an endpoint, the first of each call and every retry;
 *   <li>{@code roundabout.okhttp.retries}, tag {@code kind} = {@code retry} (taken from the retry
 *       budget) or {@code requeue} (nothing reached the failed endpoint: free of the budget)
 *       ({@code roundabout_okhttp_retries_total});
 *   <li>{@code roundabout.okhttp.retries.refused} ({@code roundabout_okhttp_retries_refused_total}):
 *       retries that another endpoint could have taken but the retry budget refused;
 *   <li>{@code roundabout.okhttp.no.endpoint} ({@code roundabout_okhttp_no_endpoint_total}): calls
 *       that failed with {@code NoAvailableEndpointIOException}, before any attempt;
 *   <li>with hedging: {@code roundabout.okhttp.hedges} ({@code roundabout_okhttp_hedges_total}),
 *       hedges sent (not counted among the attempts); {@code roundabout.okhttp.hedges.won}, hedges
 *       that answered first; {@code roundabout.okhttp.hedges.refused}, hedges that were due and that
 *       the hedging or the retry budget refused.
 * </ul>
 *
 * <p>A service's counters are registered, all at once, at its first event; from then on they stay
 * (services are few and fixed). One instance may serve several interceptors; their counts of one
 * service add up.
 *
 * <p>Thread-safe. The callbacks run on the calls' threads: after a service's first event each
 * increments a {@link LongAdder} found in a concurrent map, allocating nothing; the counters read
 * the adders on scrape. Registering a service's counters, and binding a registry, take a lock.
 */
public final class InterceptorMetrics implements InterceptorListener, MeterBinder {
  private final Map<String, ServiceCounts> services = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private final List<MeterRegistry> registries = new ArrayList<>(); // under lock

  private InterceptorMetrics() {}

  /** Metrics bound to no registry yet: give them to the interceptor's builder, then {@link #bindTo}. */
  public static InterceptorMetrics create() {
    return new InterceptorMetrics();
  }

  /** The counts of one service, read by its counters. */
  private static final class ServiceCounts {
    final String service;
    final LongAdder attempts = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder requeues = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder noEndpoint = new LongAdder();
    final LongAdder hedges = new LongAdder();
    final LongAdder hedgesWon = new LongAdder();
    final LongAdder hedgesRefused = new LongAdder();

    ServiceCounts(String service) {
      this.service = service;
    }

    /** Registers this service's counters in {@code registry}; under the lock. */
    void registerIn(MeterRegistry registry) {
      counter(registry, MeterNames.OKHTTP_ATTEMPTS, attempts,
          "Attempts the interceptor sent to an endpoint: the first of each call and every retry");
      counter(registry, MeterNames.OKHTTP_RETRIES, retries,
          "Calls that went on to another endpoint after a failed attempt", "kind", "retry");
      counter(registry, MeterNames.OKHTTP_RETRIES, requeues,
          "Calls that went on to another endpoint after a failed attempt", "kind", "requeue");
      counter(registry, MeterNames.OKHTTP_RETRIES_REFUSED, refused,
          "Retries another endpoint could have taken, refused by the retry budget");
      counter(registry, MeterNames.OKHTTP_NO_ENDPOINT, noEndpoint,
          "Calls that failed before any attempt: no endpoint available");
      counter(registry, MeterNames.OKHTTP_HEDGES, hedges,
          "Hedges sent: a second attempt of a call whose first had not answered after the hedging delay");
      counter(registry, MeterNames.OKHTTP_HEDGES_WON, hedgesWon, "Hedges that answered first");
      counter(registry, MeterNames.OKHTTP_HEDGES_REFUSED, hedgesRefused,
          "Hedges that were due and that the hedging or the retry budget refused");
    }

    private void counter(MeterRegistry registry, String name, LongAdder count, String description, String... tags) {
      ToDoubleFunction<LongAdder> sum = LongAdder::sum;
      FunctionCounter.builder(name, count, sum)
          .description(description)
          .tag("service", service)
          .tags(tags)
          .register(registry);
    }
  }

  /**
   * Registers the counters of every service seen so far in {@code registry}, and of every service
   * seen later at its first event. May be called for several registries.
   *
   * @throws NullPointerException if {@code registry} is null
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    requireNonNull(registry, "registry");
    synchronized (lock) {
      registries.add(registry);
      for (ServiceCounts counts : services.values()) {
        counts.registerIn(registry);
      }
    }
  }

  private ServiceCounts counts(String service) {
    ServiceCounts counts = services.get(service);
    return counts != null ? counts : register(service);
  }

  private ServiceCounts register(String service) {
    synchronized (lock) {
      ServiceCounts counts = services.get(service);
      if (counts == null) {
        counts = new ServiceCounts(service);
        for (MeterRegistry registry : registries) {
          counts.registerIn(registry);
        }
        services.put(service, counts);
      }
      return counts;
    }
  }

  /** Counts an attempt. */
  @Override
  public void onAttempt(String service, Endpoint endpoint, int attempt) {
    counts(service).attempts.increment();
  }

  /** Counts a retry or a requeue. */
  @Override
  public void onRetry(String service, boolean requeue) {
    ServiceCounts counts = counts(service);
    (requeue ? counts.requeues : counts.retries).increment();
  }

  /** Counts a retry the budget refused. */
  @Override
  public void onRetryRefused(String service) {
    counts(service).refused.increment();
  }

  /** Counts a call that found no endpoint. */
  @Override
  public void onNoEndpoint(String service) {
    counts(service).noEndpoint.increment();
  }

  /** Counts a hedge sent. */
  @Override
  public void onHedge(String service, Endpoint endpoint) {
    counts(service).hedges.increment();
  }

  /** Counts a hedge that answered first. */
  @Override
  public void onHedgeWon(String service) {
    counts(service).hedgesWon.increment();
  }

  /** Counts a hedge a budget refused. */
  @Override
  public void onHedgeRefused(String service) {
    counts(service).hedgesRefused.increment();
  }

  @Override
  public String toString() {
    return "InterceptorMetrics" + services.keySet();
  }
}
