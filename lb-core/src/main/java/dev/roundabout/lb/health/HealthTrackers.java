package dev.roundabout.lb.health;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkNotNull;

import dev.roundabout.lb.Endpoint;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Combinations of {@link HealthTracker}s. */
public final class HealthTrackers {
  private static final Logger logger = LoggerFactory.getLogger(HealthTrackers.class);

  private HealthTrackers() {}

  /**
   * A tracker under which an endpoint is available only when every one of {@code trackers} says
   * so: every tracker is asked, and the first that says the endpoint takes no call (in the order
   * given) gives its health; an endpoint on trial in some tracker and available in the others is
   * on trial, and takes a trial call only when every tracker admits it. Outcomes, list changes,
   * released trials and {@code close} go to every tracker.
   *
   * <p>One tracker's failure never silences or overrules the others. An exception thrown by one
   * tracker is logged (WARN, naming the tracker and the endpoint) and contained:
   *
   * <ul>
   *   <li>{@code endpointsChanged}, {@code onOutcome}, {@code releaseTrial}, {@code close}: the
   *       trackers after it hear the call all the same, and the combination does not throw;
   *   <li>{@code health}: the failing tracker has no objection (as if it said available, and so
   *       does a tracker that returns null), the others decide; if every tracker fails, the
   *       endpoint is available, as the balancer takes a failing tracker;
   *   <li>{@code nanosUntilChange}: the soonest change of the others counts; if every tracker
   *       fails, no change is due ({@link Long#MAX_VALUE});
   *   <li>{@code tryTrial}: the failing tracker has no objection, the others decide; if every
   *       tracker fails, the trial is refused (trials already granted are given back);
   *   <li>{@code start}: the trackers already started are closed (a failure to close is added to
   *       the start failure as suppressed, and the others are still closed), the trackers after it
   *       are not started, and the start failure is rethrown, so that the balancer's
   *       {@code build()} fails and leaves nothing running.
   * </ul>
   *
   * <p>The combination serves one balancer, like the trackers it holds: a second {@code start}
   * throws {@link IllegalStateException} before any of them is started again.
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

  /**
   * The trackers of {@link #allOf}, each isolated from the others' failures. Thread-safe as far as
   * its trackers are: it adds no state but the context it was started with.
   */
  private static final class AllOf implements HealthTracker {
    private final List<HealthTracker> trackers;
    private volatile @Nullable HealthContext context;

    AllOf(List<HealthTracker> trackers) {
      this.trackers = trackers;
    }

    @Override
    public void start(HealthContext context) {
      synchronized (this) {
        this.context = firstStart(this.context, context, "HealthTrackers.allOf");
      }
      int started = 0;
      try {
        for (HealthTracker tracker : trackers) {
          tracker.start(context);
          started++;
        }
      } catch (RuntimeException | Error e) {
        for (int i = 0; i < started; i++) { // undo: nothing keeps running behind a failed start
          try {
            trackers.get(i).close();
          } catch (RuntimeException closeFailure) {
            e.addSuppressed(closeFailure);
          }
        }
        throw e;
      }
    }

    @Override
    public void endpointsChanged(List<Endpoint> endpoints, List<Endpoint> added, List<Endpoint> removed) {
      for (HealthTracker tracker : trackers) {
        try {
          tracker.endpointsChanged(endpoints, added, removed);
        } catch (RuntimeException e) {
          logger.warn("Health tracker {} of '{}' failed on an endpoint change (+{} -{}); the others heard it",
              tracker, balancerName(), added, removed, e);
        }
      }
    }

    @Override
    public EndpointHealth health(Endpoint endpoint, long nowNanos) {
      EndpointHealth result = EndpointHealth.AVAILABLE;
      for (HealthTracker tracker : trackers) { // every tracker hears the question, whatever the others say
        EndpointHealth health;
        try {
          health = tracker.health(endpoint, nowNanos);
        } catch (RuntimeException e) {
          logger.warn("Health tracker {} of '{}' failed for {}; the other trackers decide",
              tracker, balancerName(), endpoint, e);
          continue; // no objection
        }
        if (health == null || !isTrialOrAvailable(result)) {
          continue; // no verdict, or the first tracker that keeps the endpoint out has the say
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
        try {
          soonest = Math.min(soonest, tracker.nanosUntilChange(nowNanos));
        } catch (RuntimeException e) {
          logger.warn("Health tracker {} of '{}' failed to say when health changes; the others' times count",
              tracker, balancerName(), e);
        }
      }
      return soonest;
    }

    @Override
    public void onOutcome(Endpoint endpoint, boolean success, long latencyNanos, @Nullable Throwable cause) {
      for (HealthTracker tracker : trackers) { // one tracker's failure does not keep the others from hearing
        try {
          tracker.onOutcome(endpoint, success, latencyNanos, cause);
        } catch (RuntimeException e) {
          logger.warn("Health tracker {} of '{}' failed on an outcome of {}", tracker, balancerName(), endpoint, e);
        }
      }
    }

    @Override
    public boolean tryTrial(Endpoint endpoint) {
      int asked = 0;
      boolean @Nullable [] failed = null; // which of the asked trackers threw (granted nothing); rare
      boolean admitted = false;
      try {
        for (HealthTracker tracker : trackers) {
          boolean yes;
          try {
            yes = tracker.tryTrial(endpoint);
          } catch (RuntimeException e) {
            logger.warn("Health tracker {} of '{}' failed to admit a trial call to {}; the other trackers decide",
                tracker, balancerName(), endpoint, e);
            if (failed == null) {
              failed = new boolean[trackers.size()];
            }
            failed[asked++] = true;
            continue; // no objection
          }
          if (!yes) {
            return false;
          }
          asked++;
        }
        admitted = failed == null || !allTrue(failed);
        return admitted;
      } finally {
        if (!admitted) { // refused: give back what was granted
          for (int j = 0; j < asked; j++) {
            if (failed == null || !failed[j]) {
              releaseQuietly(trackers.get(j), endpoint);
            }
          }
        }
      }
    }

    private static boolean allTrue(boolean[] values) {
      for (boolean value : values) {
        if (!value) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void releaseTrial(Endpoint endpoint) {
      for (HealthTracker tracker : trackers) {
        releaseQuietly(tracker, endpoint);
      }
    }

    private void releaseQuietly(HealthTracker tracker, Endpoint endpoint) {
      try {
        tracker.releaseTrial(endpoint);
      } catch (RuntimeException e) {
        logger.warn("Health tracker {} of '{}' failed to release a trial of {}", tracker, balancerName(), endpoint, e);
      }
    }

    @Override
    public void close() {
      for (HealthTracker tracker : trackers) {
        try {
          tracker.close();
        } catch (RuntimeException e) {
          logger.warn("Health tracker {} of '{}' failed to close; the others are closed", tracker, balancerName(), e);
        }
      }
    }

    private String balancerName() {
      HealthContext c = context;
      return c == null ? "(not started)" : c.balancerName();
    }

    @Override
    public String toString() {
      return "allOf" + trackers;
    }
  }
}
