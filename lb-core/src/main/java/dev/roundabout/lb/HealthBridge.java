package dev.roundabout.lb;

import dev.roundabout.lb.health.EndpointHealth;
import dev.roundabout.lb.health.HealthContext;
import dev.roundabout.lb.health.HealthReason;
import dev.roundabout.lb.health.HealthTracker;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The balancer's bridge to health: outcomes in (from {@link Lease}s, on the callers' threads),
 * availability out (to {@link Readiness}, on the update path), trial admissions (on the pick
 * path), and the {@link HealthContext} the tracker sees. Every call into the tracker is isolated:
 * a tracker that throws is logged and never breaks a pick, an outcome or an update.
 *
 * <p>Thread-safe. The outcome path records facts and, when they may change what the balancer
 * offers, asks the update path for a refresh; it never rebuilds anything itself.
 */
final class HealthBridge {
  private static final Logger logger = LoggerFactory.getLogger(LoadBalancer.class);

  private final String name;
  private final @Nullable HealthTracker tracker;
  private final Ticker ticker;
  private final RandomGenerator random;
  private final LoadBalancer balancer;
  private final UpdatePath updates;
  /** The builder's call listeners, or null when there is none: one field check per outcome. */
  private final CallListener @Nullable [] calls;

  HealthBridge(String name, @Nullable HealthTracker tracker, Ticker ticker, RandomGenerator random,
      LoadBalancer balancer, UpdatePath updates, List<CallListener> calls) {
    this.name = name;
    this.tracker = tracker;
    this.calls = calls.isEmpty() ? null : calls.toArray(new CallListener[0]);
    this.ticker = ticker;
    this.random = random;
    this.balancer = balancer;
    this.updates = updates;
  }

  /** Whether a tracker is set. */
  boolean tracking() {
    return tracker != null;
  }

  /** Starts the tracker; throws what it throws (the build fails). */
  void start() {
    if (tracker != null) {
      tracker.start(new Context());
    }
  }

  // ---- outcomes in (callers' threads) ----

  /** Records one call's outcome; {@code silent}: the endpoint did not answer at all. */
  void record(EndpointState state, boolean success, long latencyNanos, @Nullable Throwable cause, boolean silent,
      long now) {
    if (state.recordOutcome(success, latencyNanos, silent, now) && balancer.snapshot().panic) {
      updates.requestRefresh(); // panic leaves out endpoints that do not answer: the offer may change
    }
    HealthTracker t = tracker;
    if (t != null) {
      try {
        t.onOutcome(state.endpoint(), success, latencyNanos, cause);
      } catch (RuntimeException e) {
        logger.warn("Health tracker {} of '{}' failed on an outcome of {}", t, name, state.endpoint(), e);
      }
    }
    CallListener[] c = calls;
    if (c != null) {
      heard(c, state.endpoint(), success ? CallOutcome.SUCCESS : silent ? CallOutcome.UNREACHABLE : CallOutcome.FAILURE,
          latencyNanos);
    }
  }

  private void heard(CallListener[] listeners, Endpoint endpoint, CallOutcome outcome, long latencyNanos) {
    for (CallListener listener : listeners) {
      try {
        listener.onCall(name, endpoint, outcome, latencyNanos);
      } catch (RuntimeException e) {
        logger.warn("Call listener {} of '{}' failed on an outcome of {}", listener, name, endpoint, e);
      }
    }
  }

  // ---- trials (pick path) ----

  /** Whether the tracker admits one more trial call to {@code endpoint}. */
  boolean tryTrial(Endpoint endpoint) {
    HealthTracker t = tracker;
    if (t == null) {
      return false;
    }
    try {
      return t.tryTrial(endpoint);
    } catch (RuntimeException e) {
      logger.warn("Health tracker {} of '{}' failed to admit a trial call to {}", t, name, endpoint, e);
      return false;
    }
  }

  /** A trial lease closed without an outcome. */
  void releaseTrial(Endpoint endpoint) {
    HealthTracker t = tracker;
    if (t != null) {
      try {
        t.releaseTrial(endpoint);
      } catch (RuntimeException e) {
        logger.warn("Health tracker {} of '{}' failed to release a trial of {}", t, name, endpoint, e);
      }
    }
  }

  // ---- availability out (update path) ----

  /** The health of {@code endpoint} at {@code now}; available without a tracker or when it throws. */
  EndpointHealth health(Endpoint endpoint, long now) {
    HealthTracker t = tracker;
    if (t == null) {
      return EndpointHealth.AVAILABLE;
    }
    try {
      EndpointHealth health = t.health(endpoint, now);
      return health == null ? EndpointHealth.AVAILABLE : health;
    } catch (RuntimeException e) {
      logger.warn("Health tracker {} of '{}' failed for {}; taken as available", t, name, endpoint, e);
      return EndpointHealth.AVAILABLE;
    }
  }

  /**
   * Why {@code endpoint} has {@code health} (anything but available) at {@code now}, or null: no
   * tracker, a tracker with nothing to say, one that throws, or a reason for another health (the
   * tracker changed its mind since it gave {@code health}).
   */
  @Nullable HealthReason reason(Endpoint endpoint, EndpointHealth health, long now) {
    HealthTracker t = tracker;
    if (t == null) {
      return null;
    }
    try {
      HealthReason reason = t.reason(endpoint, now);
      return reason != null && reason.health() == health ? reason : null;
    } catch (RuntimeException e) {
      logger.warn("Health tracker {} of '{}' failed to say why {} is out", t, name, endpoint, e);
      return null;
    }
  }

  /** Nanoseconds until the tracker's next time-driven change, {@link Long#MAX_VALUE} if none. */
  long nanosUntilChange(long now) {
    HealthTracker t = tracker;
    if (t == null) {
      return Long.MAX_VALUE;
    }
    try {
      long delay = t.nanosUntilChange(now);
      return delay < 0 ? 0 : delay;
    } catch (RuntimeException e) {
      logger.warn("Health tracker {} of '{}' failed to say when health changes", t, name, e);
      return Long.MAX_VALUE;
    }
  }

  /** Tells the tracker of a new list (update path). */
  void endpointsChanged(List<Endpoint> endpoints, List<Endpoint> added, List<Endpoint> removed) {
    updates.checkInUpdatePath();
    HealthTracker t = tracker;
    if (t != null) {
      try {
        t.endpointsChanged(endpoints, List.copyOf(added), List.copyOf(removed));
      } catch (RuntimeException e) {
        logger.warn("Health tracker {} of '{}' failed on an endpoint change", t, name, e);
      }
    }
  }

  /** Stops the tracker (update path, or a failed build). */
  void close() {
    HealthTracker t = tracker;
    if (t != null) {
      try {
        t.close();
      } catch (RuntimeException e) {
        logger.warn("Health tracker {} of '{}' failed to close", t, name, e);
      }
    }
  }

  @Override
  public String toString() {
    return String.valueOf(tracker);
  }

  /** What the health tracker sees of this balancer. */
  private final class Context implements HealthContext {
    @Override
    public String balancerName() {
      return name;
    }

    @Override
    public Ticker ticker() {
      return ticker;
    }

    @Override
    public RandomGenerator random() {
      return random;
    }

    @Override
    public List<Endpoint> endpoints() {
      return balancer.snapshot().all;
    }

    @Override
    public void refresh() {
      updates.requestRefresh();
    }

    @Override
    public String toString() {
      return "HealthContext{" + name + '}';
    }
  }
}
