package dev.roundabout.lb.health;

import static dev.roundabout.lb.internal.Preconditions.checkState;

import dev.roundabout.lb.Endpoint;
import dev.roundabout.lb.LoadBalancerException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The tracker a {@link CircuitBreakerHealthTracker} creates for one balancer: one breaker per
 * endpoint of that balancer, whose state it follows through the breaker's state-transition
 * events (each event asks the balancer for a refresh).
 *
 * <p>Thread-safe: each endpoint's view of its breaker is guarded by its own lock, never held while
 * calling into the breaker (whose events take it).
 */
final class CircuitBreakerTracker implements HealthTracker {
  @SuppressWarnings("StaticAssignmentOfThrowable") // a marker the breaker records, never thrown
  private static final LoadBalancerException FAILED_WITHOUT_EXCEPTION =
      new LoadBalancerException("call failed without an exception");

  private final @Nullable CircuitBreakerRegistry given; // null: a registry of the defaults, on the balancer's ticker
  private final ConcurrentHashMap<String, Breaker> breakers = new ConcurrentHashMap<>();
  private volatile @Nullable CircuitBreakerRegistry registry;
  private volatile @Nullable HealthContext context;
  private volatile boolean closed;

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
      if (gone != null && gone.waits != null) {
        registry().remove(gone.breaker.getName());
      }
    }
    boolean notClosed = false;
    for (Endpoint endpoint : added) {
      Breaker b = breakers.computeIfAbsent(endpoint.address(), this::newBreaker);
      notClosed |= b.breaker.getState() != CircuitBreaker.State.CLOSED;
    }
    if (notClosed) { // the snapshot built before this call took the new endpoints as available
      context().refresh();
    }
  }

  /**
   * Creates the breaker of the endpoint at {@code address} in the registry, with the registry's
   * default configuration whose wait draws the tracker sees; or takes the breaker already
   * registered under its name, whose draws it does not see.
   */
  private Breaker newBreaker(String address) {
    HealthContext c = context();
    CircuitBreakerRegistry r = registry();
    OpenWaits waits = new OpenWaits();
    CircuitBreakerConfig observed = waits.observe(r.getDefaultConfig());
    CircuitBreaker breaker = r.circuitBreaker(c.balancerName() + "/" + address, observed);
    Breaker b = new Breaker(breaker, breaker.getCircuitBreakerConfig() == observed ? waits : null);
    breaker.getEventPublisher().onStateTransition(event -> {
      if (!closed) {
        b.transitioned(event.getStateTransition().getToState());
        c.refresh();
      }
    });
    return b;
  }

  @Override
  public EndpointHealth health(Endpoint endpoint, long nowNanos) {
    Breaker b = breakers.get(endpoint.address());
    return b == null ? EndpointHealth.AVAILABLE : b.health();
  }

  @Override
  public @Nullable HealthReason reason(Endpoint endpoint, long nowNanos) {
    Breaker b = breakers.get(endpoint.address());
    return b == null ? null : b.reason(nowNanos);
  }

  @Override
  public long nanosUntilChange(long nowNanos) {
    long soonest = Long.MAX_VALUE;
    for (Breaker b : breakers.values()) {
      soonest = Math.min(soonest, b.nanosUntilTrial());
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
    return b != null && b.tryTrial();
  }

  @Override
  public void releaseTrial(Endpoint endpoint) {
    Breaker b = breakers.get(endpoint.address());
    if (b != null) {
      b.breaker.releasePermission();
      b.released();
    }
  }

  /** Forgets every breaker; those the tracker created leave the registry. */
  @Override
  public void close() {
    closed = true;
    CircuitBreakerRegistry r = registry;
    for (Breaker b : breakers.values()) {
      if (r != null && b.waits != null) {
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
   * One endpoint's breaker and what the tracker has seen of it: whether its latest opening was
   * seen, when the wait of that opening ends (on the breaker's clock), and how many trial calls it
   * granted since its latest transition, so that the tracker asks no more than a half-open breaker
   * permits (each refused ask counts as a call not permitted in the breaker's metrics).
   */
  private static final class Breaker {
    final CircuitBreaker breaker;
    /** What the breaker draws when it opens; null for a breaker the tracker did not create. */
    final @Nullable OpenWaits waits;
    private final Clock clock;
    private final int permittedTrials;
    private boolean openSeen;
    private @Nullable Instant openUntil; // when openSeen: the end of the wait, or null if not known
    private int granted;

    Breaker(CircuitBreaker breaker, @Nullable OpenWaits waits) {
      this.breaker = breaker;
      this.waits = waits;
      this.clock = breaker.getCircuitBreakerConfig().getClock();
      this.permittedTrials = breaker.getCircuitBreakerConfig().getPermittedNumberOfCallsInHalfOpenState();
      // Open from the start: an initialState(OPEN) breaker, which drew its wait on this thread
      // just now, or one already in the registry, whose wait the tracker cannot know.
      this.openSeen = breaker.getState() == CircuitBreaker.State.OPEN;
      this.openUntil = openSeen && waits != null ? waits.take(clock) : null;
    }

    /** The breaker reported a transition to {@code to}, on the thread that made it. */
    synchronized void transitioned(CircuitBreaker.State to) {
      granted = 0;
      Instant drawn = waits == null ? null : waits.take(clock); // forgets the draw, whatever the transition
      openSeen = to == CircuitBreaker.State.OPEN;
      openUntil = openSeen ? drawn : null;
    }

    synchronized EndpointHealth health() {
      return switch (breaker.getState()) {
        case OPEN -> waiting() ? EndpointHealth.CIRCUIT_OPEN : EndpointHealth.TRIAL;
        case HALF_OPEN -> EndpointHealth.TRIAL;
        case FORCED_OPEN -> EndpointHealth.CIRCUIT_OPEN;
        default -> EndpointHealth.AVAILABLE; // CLOSED, DISABLED, METRICS_ONLY
      };
    }

    /** Why the breaker keeps its endpoint out, null when it does not; {@code now} on the balancer's ticker. */
    synchronized @Nullable HealthReason reason(long now) {
      EndpointHealth health = health();
      return switch (health) {
        case CIRCUIT_OPEN -> {
          if (breaker.getState() == CircuitBreaker.State.FORCED_OPEN) {
            yield HealthReason.of(health, "forced open");
          }
          HealthReason reason = HealthReason.of(health, openCause());
          long wait = nanosUntilTrial();
          yield wait == Long.MAX_VALUE ? reason : reason.until(now + wait);
        }
        case TRIAL -> HealthReason.of(health, breaker.getState() == CircuitBreaker.State.HALF_OPEN
            ? "half open, " + granted + " of " + permittedTrials + " trial calls granted"
            : "wait over, the next call is a trial");
        default -> null;
      };
    }

    /** What opened the breaker, from the figures it kept: {@code failure rate 60% (threshold 50%) of 10 calls}. */
    private String openCause() {
      CircuitBreaker.Metrics metrics = breaker.getMetrics();
      CircuitBreakerConfig config = breaker.getCircuitBreakerConfig();
      float failureRate = metrics.getFailureRate();
      float slowRate = metrics.getSlowCallRate();
      String rate;
      if (failureRate >= 0 && failureRate >= config.getFailureRateThreshold()) {
        rate = "failure rate " + percent(failureRate) + " (threshold " + percent(config.getFailureRateThreshold()) + ")";
      } else if (slowRate >= 0 && slowRate >= config.getSlowCallRateThreshold()) {
        rate = "slow call rate " + percent(slowRate) + " (threshold " + percent(config.getSlowCallRateThreshold()) + ")";
      } else {
        return "opened"; // by a result, an initial state or the application: no rate to show
      }
      return rate + " of " + metrics.getNumberOfBufferedCalls() + " calls";
    }

    private static String percent(float value) {
      return value == Math.rint(value) ? (int) value + "%" : value + "%";
    }

    /**
     * Whether the open breaker would refuse a call now: its opening not seen yet (its event, and
     * a refresh, are on their way), or its clock not past the end of the wait. resilience4j
     * permits once its clock is strictly after that end. A wait the tracker does not know is
     * taken as over: the breaker decides on each ask.
     */
    private boolean waiting() {
      if (!openSeen) {
        return true;
      }
      Instant until = openUntil;
      return until != null && !clock.instant().isAfter(until);
    }

    /** Nanoseconds until the open breaker would permit a call, or never if it is not waiting. */
    synchronized long nanosUntilTrial() {
      Instant until = openUntil;
      if (!openSeen || until == null || breaker.getState() != CircuitBreaker.State.OPEN) {
        return Long.MAX_VALUE;
      }
      Instant now = clock.instant();
      if (now.isAfter(until)) {
        return Long.MAX_VALUE; // on trial already
      }
      try {
        return Math.addExact(Duration.between(now, until).toNanos(), 1); // the first instant past the wait
      } catch (ArithmeticException e) {
        return Long.MAX_VALUE;
      }
    }

    /**
     * Asks the breaker for a trial call, unless it would refuse: still waiting, forced open, or
     * half open with all its trial calls granted.
     */
    boolean tryTrial() {
      synchronized (this) {
        boolean refuses = switch (breaker.getState()) {
          case OPEN -> waiting();
          case HALF_OPEN -> granted >= permittedTrials;
          case FORCED_OPEN -> true;
          default -> false; // closed since the snapshot was built: the breaker permits
        };
        if (refuses) {
          return false;
        }
      }
      // Outside the lock: moving OPEN to HALF_OPEN, the breaker reports the transition, which
      // takes it. Accepted race: two callers may both see one permit left; the breaker refuses
      // the second, which then counts as a call not permitted.
      boolean permitted = breaker.tryAcquirePermission();
      if (permitted) {
        synchronized (this) {
          granted++;
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
