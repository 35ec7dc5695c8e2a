package dev.roundabout.lb.health;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import dev.roundabout.lb.Endpoint;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Combinations of {@link HealthTracker}s. */
public final class HealthTrackers {
  private HealthTrackers() {}

  /**
   * A tracker under which an endpoint is available only when every one of {@code trackers} says
   * so: every tracker is asked, and the first that says the endpoint takes no call (in the order
   * given) gives its health; an endpoint on trial in some tracker and available in the others is
   * on trial, and takes a trial call only when every tracker admits it. Outcomes, list changes and
   * trials go to all of them; one tracker that throws does not keep the others from hearing.
   *
   * @throws NullPointerException if {@code trackers} or one of them is null
   * @throws IllegalArgumentException if {@code trackers} is empty or holds one tracker twice
   */
  public static HealthTracker allOf(HealthTracker... trackers) {
    checkNotNull(trackers, "trackers");
    checkArgument(trackers.length > 0, "trackers", "[]", "at least one tracker");
    for (int i = 0; i < trackers.length; i++) {
      checkNotNull(trackers[i], "trackers[" + i + "]");
      for (int j = 0; j < i; j++) {
        checkArgument(trackers[i] != trackers[j], "trackers", trackers[i] + " at " + j + " and " + i, "each tracker once");
      }
    }
    return trackers.length == 1 ? trackers[0] : new AllOf(List.of(trackers));
  }

  /**
   * Checks that a tracker named {@code tracker}, whose context is {@code current}, has not been
   * started yet, and returns {@code context}.
   */
  static HealthContext firstStart(@Nullable HealthContext current, HealthContext context, String tracker) {
    checkNotNull(context, "context");
    if (current != null) {
      throw new IllegalStateException(tracker + " already serves load balancer '" + current.balancerName()
          + "' (expected: one " + tracker + " per balancer)");
    }
    return context;
  }

  private static final class AllOf implements HealthTracker {
    private final List<HealthTracker> trackers;

    AllOf(List<HealthTracker> trackers) {
      this.trackers = trackers;
    }

    @Override
    public void start(HealthContext context) {
      for (HealthTracker tracker : trackers) {
        tracker.start(context);
      }
    }

    @Override
    public void endpointsChanged(List<Endpoint> endpoints, List<Endpoint> added, List<Endpoint> removed) {
      for (HealthTracker tracker : trackers) {
        tracker.endpointsChanged(endpoints, added, removed);
      }
    }

    @Override
    public EndpointHealth health(Endpoint endpoint, long nowNanos) {
      EndpointHealth result = EndpointHealth.AVAILABLE;
      for (HealthTracker tracker : trackers) { // every tracker hears the question, whatever the others say
        EndpointHealth health = tracker.health(endpoint, nowNanos);
        if (!isTrialOrAvailable(result)) {
          continue; // the first tracker that keeps the endpoint out has the say
        }
        if (!isTrialOrAvailable(health) || health == EndpointHealth.TRIAL) {
          result = health;
        }
      }
      return result;
    }

    private static boolean isTrialOrAvailable(EndpointHealth health) {
      return health == EndpointHealth.AVAILABLE || health == EndpointHealth.TRIAL;
    }

    @Override
    public long nanosUntilChange(long nowNanos) {
      long soonest = Long.MAX_VALUE;
      for (HealthTracker tracker : trackers) {
        soonest = Math.min(soonest, tracker.nanosUntilChange(nowNanos));
      }
      return soonest;
    }

    @Override
    public void onOutcome(Endpoint endpoint, boolean success, long latencyNanos, @Nullable Throwable cause) {
      RuntimeException failure = null;
      for (HealthTracker tracker : trackers) { // one tracker's failure does not keep the others from hearing
        try {
          tracker.onOutcome(endpoint, success, latencyNanos, cause);
        } catch (RuntimeException e) {
          failure = chain(failure, e);
        }
      }
      if (failure != null) {
        throw failure;
      }
    }

    @Override
    public boolean tryTrial(Endpoint endpoint) {
      int granted = 0;
      try {
        for (HealthTracker tracker : trackers) {
          if (!tracker.tryTrial(endpoint)) {
            return false;
          }
          granted++;
        }
        return true;
      } finally {
        if (granted < trackers.size()) { // refused or threw: give back what was granted
          for (int j = 0; j < granted; j++) {
            try {
              trackers.get(j).releaseTrial(endpoint);
            } catch (RuntimeException ignored) {
              // the tracker's own failure; the others are released
            }
          }
        }
      }
    }

    @Override
    public void releaseTrial(Endpoint endpoint) {
      RuntimeException failure = null;
      for (HealthTracker tracker : trackers) {
        try {
          tracker.releaseTrial(endpoint);
        } catch (RuntimeException e) {
          failure = chain(failure, e);
        }
      }
      if (failure != null) {
        throw failure;
      }
    }

    private static RuntimeException chain(@Nullable RuntimeException first, RuntimeException next) {
      if (first == null) {
        return next;
      }
      first.addSuppressed(next);
      return first;
    }

    @Override
    public void close() {
      RuntimeException failure = null;
      for (HealthTracker tracker : trackers) {
        try {
          tracker.close();
        } catch (RuntimeException e) {
          failure = chain(failure, e);
        }
      }
      if (failure != null) {
        throw failure;
      }
    }

    @Override
    public String toString() {
      return "allOf" + trackers;
    }
  }
}
