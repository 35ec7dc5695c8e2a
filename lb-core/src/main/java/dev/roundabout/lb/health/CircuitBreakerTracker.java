package dev.roundabout.lb.health;

import static dev.roundabout.lb.internal.Preconditions.checkState;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancerException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The tracker a {@link CircuitBreakerHealthTracker} creates for one balancer: one breaker per
 * endpoint of that balancer.
 *
 * <p>Thread-safe: each endpoint's view of its breaker is guarded by its own lock.
 */
final class CircuitBreakerTracker implements HealthTracker {
  @SuppressWarnings("StaticAssignmentOfThrowable") // a marker the breaker records, never thrown
  private static final LoadBalancerException FAILED_WITHOUT_EXCEPTION =
      new LoadBalancerException("call failed without an exception");

  private final @Nullable CircuitBreakerRegistry given; // null: a registry of the defaults, on the balancer's ticker
  private final ConcurrentHashMap<String, Breaker> breakers = new ConcurrentHashMap<>();
  private volatile @Nullable CircuitBreakerRegistry registry;
  private volatile @Nullable HealthContext context;

  CircuitBreakerTracker(@Nullable CircuitBreakerRegistry given) {
    this.given = given;
  }

  @Override
  public synchronized void start(HealthContext context) {
    this.context = HealthTrackers.firstStart(this.context, context, "CircuitBreakerHealthTracker tracker");
    CircuitBreakerRegistry r = given;
    this.registry = r != null ? r : CircuitBreakerRegistry.of(
        CircuitBreakerConfig.custom().clock(CircuitBreakerHealthTracker.clock(context.ticker())).build());
  }

  /** The breaker of {@code endpoint}, or null if the endpoint is not in the balancer. */
  @Nullable CircuitBreaker circuitBreaker(Endpoint endpoint) {
    Breaker b = breakers.get(endpoint.address());
    return b == null ? null : b.breaker;
  }

  @Override
  public void endpointsChanged(List<Endpoint> endpoints, List<Endpoint> added, List<Endpoint> removed) {
    for (Endpoint endpoint : removed) {
      Breaker gone = breakers.remove(endpoint.address());
      if (gone != null) {
        registry().remove(gone.breaker.getName());
      }
    }
    for (Endpoint endpoint : added) {
      breakers.computeIfAbsent(endpoint.address(), this::newBreaker);
    }
  }

  private Breaker newBreaker(String address) {
    HealthContext c = context();
    CircuitBreaker breaker = registry().circuitBreaker(c.balancerName() + "/" + address);
    Breaker b = new Breaker(breaker);
    breaker.getEventPublisher().onStateTransition(event -> {
      b.transitioned(event.getStateTransition().getFromState(), event.getStateTransition().getToState(), c.ticker().read());
      c.refresh();
    });
    return b;
  }

  @Override
  public EndpointHealth health(Endpoint endpoint, long nowNanos) {
    Breaker b = breakers.get(endpoint.address());
    return b == null ? EndpointHealth.AVAILABLE : b.health(nowNanos);
  }

  @Override
  public long nanosUntilChange(long nowNanos) {
    long soonest = Long.MAX_VALUE;
    for (Breaker b : breakers.values()) {
      soonest = Math.min(soonest, b.nanosUntilTrial(nowNanos));
    }
    return soonest;
  }

  @Override
  public void onOutcome(Endpoint endpoint, boolean success, long latencyNanos, @Nullable Throwable cause) {
    Breaker b = breakers.get(endpoint.address());
    if (b == null) {
      return;
    }
    if (success) {
      b.breaker.onSuccess(latencyNanos, TimeUnit.NANOSECONDS);
    } else {
      b.breaker.onError(latencyNanos, TimeUnit.NANOSECONDS, cause != null ? cause : FAILED_WITHOUT_EXCEPTION);
    }
  }

  @Override
  public boolean tryTrial(Endpoint endpoint) {
    Breaker b = breakers.get(endpoint.address());
    return b != null && b.tryTrial(context().ticker().read());
  }

  @Override
  public void releaseTrial(Endpoint endpoint) {
    Breaker b = breakers.get(endpoint.address());
    if (b != null) {
      b.breaker.releasePermission();
      b.released();
    }
  }

  @Override
  public void close() {
    CircuitBreakerRegistry r = registry;
    for (Breaker b : breakers.values()) {
      if (r != null) {
        r.remove(b.breaker.getName());
      }
    }
    breakers.clear();
  }

  private CircuitBreakerRegistry registry() {
    CircuitBreakerRegistry r = registry;
    checkState(r != null, "CircuitBreakerHealthTracker tracker is not started (expected: started by a LoadBalancer)");
    return r;
  }

  private HealthContext context() {
    HealthContext c = context;
    checkState(c != null, "CircuitBreakerHealthTracker tracker is not started (expected: started by a LoadBalancer)");
    return c;
  }

  @Override
  public String toString() {
    return "CircuitBreakerHealthTracker{" + breakers.size() + " breakers}";
  }

  /**
   * One endpoint's breaker, and what the tracker keeps of it: when its open state's wait ends (on
   * the balancer's ticker, drawn once from the configuration's interval function when it opened),
   * and how many trial calls it granted since it went half open, so that the tracker stops asking
   * for more than the breaker permits (each refused ask would count as a call not permitted in
   * the breaker's metrics).
   */
  private static final class Breaker {
    /** How long after a refused early ask the tracker asks the breaker again. */
    private static final long ASK_AGAIN_NANOS = 100_000_000L;

    final CircuitBreaker breaker;
    private final int permittedTrials;
    private int attempts;
    private long trialFrom;
    private long askAgainAt;
    private boolean askedBefore;
    private int granted;

    Breaker(CircuitBreaker breaker) {
      this.breaker = breaker;
      this.permittedTrials = breaker.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState();
    }

    synchronized void transitioned(CircuitBreaker.State from, CircuitBreaker.State to, long now) {
      granted = 0;
      askedBefore = false;
      if (to == CircuitBreaker.State.OPEN) {
        attempts = from == CircuitBreaker.State.HALF_OPEN ? attempts + 1 : 1;
        long waitMillis = breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(attempts);
        trialFrom = now + TimeUnit.MILLISECONDS.toNanos(waitMillis) + 1; // resilience4j permits once past the wait
      }
    }

    synchronized EndpointHealth health(long now) {
      return switch (breaker.getState()) {
        case OPEN -> now - trialFrom >= 0 ? EndpointHealth.TRIAL : EndpointHealth.CIRCUIT_OPEN;
        case FORCED_OPEN -> EndpointHealth.CIRCUIT_OPEN;
        case HALF_OPEN -> EndpointHealth.TRIAL;
        default -> EndpointHealth.AVAILABLE;
      };
    }

    /** Until the open state's wait is over, or never when it is over or the breaker is not open. */
    synchronized long nanosUntilTrial(long now) {
      if (breaker.getState() != CircuitBreaker.State.OPEN) {
        return Long.MAX_VALUE;
      }
      return now - trialFrom < 0 ? trialFrom - now : Long.MAX_VALUE; // on trial from then on
    }

    /** Asks the breaker for a trial call, unless it has granted all it permits or refused just now. */
    boolean tryTrial(long now) {
      synchronized (this) {
        CircuitBreaker.State state = breaker.getState();
        if (state == CircuitBreaker.State.HALF_OPEN && granted >= permittedTrials) {
          return false;
        }
        if (state == CircuitBreaker.State.OPEN && (now - trialFrom < 0 || (askedBefore && now - askAgainAt < 0))) {
          return false;
        }
      }
      boolean permitted = breaker.tryAcquirePermission(); // may move OPEN to HALF_OPEN, outside our lock
      synchronized (this) {
        if (permitted) {
          granted++;
        } else if (breaker.getState() == CircuitBreaker.State.OPEN) {
          // Our estimate of the wait was early (a randomized interval function): ask again later.
          askedBefore = true;
          askAgainAt = now + ASK_AGAIN_NANOS;
        }
      }
      return permitted;
    }

    synchronized void released() {
      if (granted > 0) {
        granted--;
      }
    }
  }
}
