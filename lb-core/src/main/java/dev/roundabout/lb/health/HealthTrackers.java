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
   * so: the first that says otherwise (in the order given) gives the endpoint's health, and an
   * endpoint on trial in one tracker takes a trial call only when every tracker that has it on
   * trial admits the call. Outcomes and list changes go to all of them.
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
      for (HealthTracker tracker : trackers) {
        EndpointHealth health = tracker.health(endpoint, nowNanos);
        if (health != EndpointHealth.AVAILABLE && health != EndpointHealth.TRIAL) {
          return health;
        }
        if (health == EndpointHealth.TRIAL) {
          result = EndpointHealth.TRIAL;
        }
      }
      return result;
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
      for (HealthTracker tracker : trackers) {
        tracker.onOutcome(endpoint, success, latencyNanos, cause);
      }
    }

    @Override
    public boolean tryTrial(Endpoint endpoint) {
      for (int i = 0; i < trackers.size(); i++) {
        if (!trackers.get(i).tryTrial(endpoint)) {
          for (int j = 0; j < i; j++) {
            trackers.get(j).releaseTrial(endpoint);
          }
          return false;
        }
      }
      return true;
    }

    @Override
    public void releaseTrial(Endpoint endpoint) {
      for (HealthTracker tracker : trackers) {
        tracker.releaseTrial(endpoint);
      }
    }

    @Override
    public void close() {
      for (HealthTracker tracker : trackers) {
        tracker.close();
      }
    }

    @Override
    public String toString() {
      return "allOf" + trackers;
    }
  }
}
