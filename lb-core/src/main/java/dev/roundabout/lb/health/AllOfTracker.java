package dev.roundabout.lb.health;

import dev.roundabout.lb.Endpoint;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tracker of {@link HealthTrackers#allOf} for one balancer: one tracker of each policy, in the
 * order given, each isolated from the others' failures (the rules are in the Javadoc of
 * {@code allOf}).
 *
 * <p>Thread-safe as far as its trackers are: it adds no state but the context it was started with.
 */
final class AllOfTracker implements HealthTracker {
  private static final Logger logger = LoggerFactory.getLogger(HealthTrackers.class);

  private final List<HealthTracker> trackers;
  private volatile @Nullable HealthContext context;

  AllOfTracker(List<HealthTracker> trackers) {
    this.trackers = trackers;
  }

  @Override
  public void start(HealthContext context) {
    synchronized (this) {
      this.context = HealthTrackers.firstStart(this.context, context, "HealthTrackers.allOf tracker");
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

  /**
   * The reason of the tracker whose verdict {@link #health} returned: the first that keeps the
   * endpoint out, else the first that has it on trial. Each tracker is asked its health again, at
   * the same time; one that changed its mind since gives a reason for another health, which the
   * balancer ignores.
   */
  @Override
  public @Nullable HealthReason reason(Endpoint endpoint, long nowNanos) {
    @Nullable HealthTracker trial = null;
    for (HealthTracker tracker : trackers) {
      EndpointHealth health;
      try {
        health = tracker.health(endpoint, nowNanos);
      } catch (RuntimeException e) {
        continue; // health() logged this failure a moment ago
      }
      if (health != null && !isTrialOrAvailable(health)) {
        return reasonOf(tracker, endpoint, nowNanos);
      }
      if (health == EndpointHealth.TRIAL && trial == null) {
        trial = tracker;
      }
    }
    return trial == null ? null : reasonOf(trial, endpoint, nowNanos);
  }

  private @Nullable HealthReason reasonOf(HealthTracker tracker, Endpoint endpoint, long nowNanos) {
    try {
      return tracker.reason(endpoint, nowNanos);
    } catch (RuntimeException e) {
      logger.warn("Health tracker {} of '{}' failed to say why {} is out", tracker, balancerName(), endpoint, e);
      return null;
    }
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
