package dev.roundabout.lb.health;

import static dev.roundabout.lb.internal.Preconditions.checkArgument;
import static dev.roundabout.lb.internal.Preconditions.checkNotNull;
import static dev.roundabout.lb.internal.Preconditions.checkState;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Combinations of {@link HealthPolicy}s. */
public final class HealthTrackers {
  private HealthTrackers() {}

  /**
   * A policy under which an endpoint is available only when every one of {@code policies} says
   * so. Each balancer given it gets a tracker of its own that holds one new tracker of each policy,
   * in the order given: every tracker is asked, and the first that says the endpoint takes no call
   * (in the order given) gives its health; an endpoint on trial in some tracker and available in
   * the others is on trial, and takes a trial call only when every tracker admits it. Outcomes,
   * list changes, released trials and {@code close} go to every tracker.
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
   * <p>Creating the trackers ({@link HealthPolicy#newTracker}) starts nothing, so a policy that
   * throws there fails the build with nothing to undo. One policy may appear twice: each
   * appearance gets a tracker of its own (redundant, and harmless). Two policies that return the
   * same tracker instance (two lambdas returning one tracker) fail the build with an
   * {@link IllegalStateException}: that tracker would hear every call twice.
   *
   * @throws NullPointerException if {@code policies} or one of them is null
   * @throws IllegalArgumentException if {@code policies} is empty
   */
  public static HealthPolicy allOf(HealthPolicy... policies) {
    checkNotNull(policies, "policies");
    checkArgument(policies.length > 0, "policies", "[]", "at least one policy");
    for (int i = 0; i < policies.length; i++) {
      checkNotNull(policies[i], "policies[" + i + "]");
    }
    return policies.length == 1 ? policies[0] : new AllOf(List.of(policies));
  }

  /**
   * Checks that a tracker named {@code tracker}, whose context is {@code current}, has not been
   * started yet, and returns {@code context}.
   */
  static HealthContext firstStart(@Nullable HealthContext current, HealthContext context, String tracker) {
    checkNotNull(context, "context");
    if (current != null) {
      throw new IllegalStateException(tracker + " already serves load balancer '" + current.balancerName()
          + "' (expected: a new tracker for each balancer, from HealthPolicy.newTracker())");
    }
    return context;
  }

  /** The policies of {@link #allOf}. Immutable. */
  private static final class AllOf implements HealthPolicy {
    private final List<HealthPolicy> policies;

    AllOf(List<HealthPolicy> policies) {
      this.policies = policies;
    }

    @Override
    public HealthTracker newTracker() {
      List<HealthTracker> trackers = new ArrayList<>(policies.size());
      for (int i = 0; i < policies.size(); i++) {
        HealthTracker tracker = checkNotNull(policies.get(i).newTracker(), "policies[" + i + "].newTracker()");
        for (int j = 0; j < i; j++) {
          checkState(tracker != trackers.get(j),
              "trackers: " + tracker + " from policies " + j + " and " + i + " (expected: a new tracker from each policy)");
        }
        trackers.add(tracker);
      }
      return new AllOfTracker(List.copyOf(trackers));
    }

    @Override
    public String toString() {
      return "allOf" + policies;
    }
  }
}
