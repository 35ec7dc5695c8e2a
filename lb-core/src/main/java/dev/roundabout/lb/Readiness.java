package dev.roundabout.lb;

import dev.roundabout.lb.health.EndpointHealth;
import dev.roundabout.lb.health.HealthTracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which endpoints one snapshot offers, computed on the balancer's update path from the health its
 * tracker reports, the panic threshold and slow start: the ready endpoints (with their ramp
 * fractions), the endpoints on trial, the health transitions since the last computation, and when
 * to compute again.
 *
 * <p>Not thread-safe: confined to the update path. Marks the states it reads (health, slow start).
 */
final class Readiness {
  private static final Logger logger = LoggerFactory.getLogger(Readiness.class);

  /** Slow start advances in this many steps over its window. */
  static final int RAMP_STEPS = 20;
  /** The shortest delay before a time-driven recomputation, so that a wrong tracker cannot spin. */
  static final long MIN_REFRESH_NANOS = 1_000_000;

  final EndpointState[] ready;
  final Endpoint[] readyEndpoints;
  final double @Nullable [] ramp;
  final EndpointState[] trials;
  final Endpoint[] trialEndpoints;
  final boolean panic;
  final int available;
  final String unavailableMessage;
  /** Nanoseconds until the next recomputation, or {@link Long#MAX_VALUE}. */
  final long refreshDelayNanos;
  /** Endpoints whose health changed since the last computation: state, from, to. */
  final List<Transition> transitions;

  /** A change of one endpoint's health. */
  static final class Transition {
    final Endpoint endpoint;
    final EndpointHealth from;
    final EndpointHealth to;

    Transition(Endpoint endpoint, EndpointHealth from, EndpointHealth to) {
      this.endpoint = endpoint;
      this.from = from;
      this.to = to;
    }
  }

  /** The options of the balancer that shape readiness. */
  static final class Options {
    final @Nullable HealthTracker tracker;
    final int panicThreshold;
    final long slowStartNanos;
    final int slowStartMinPercent;

    Options(@Nullable HealthTracker tracker, int panicThreshold, long slowStartNanos, int slowStartMinPercent) {
      this.tracker = tracker;
      this.panicThreshold = panicThreshold;
      this.slowStartNanos = slowStartNanos;
      this.slowStartMinPercent = slowStartMinPercent;
    }
  }

  private Readiness(
      EndpointState[] ready,
      double @Nullable [] ramp,
      EndpointState[] trials,
      boolean panic,
      int available,
      String unavailableMessage,
      long refreshDelayNanos,
      List<Transition> transitions) {
    this.ready = ready;
    this.readyEndpoints = endpointsOf(ready);
    this.ramp = ramp;
    this.trials = trials;
    this.trialEndpoints = endpointsOf(trials);
    this.panic = panic;
    this.available = available;
    this.unavailableMessage = unavailableMessage;
    this.refreshDelayNanos = refreshDelayNanos;
    this.transitions = transitions;
  }

  /** Computes the readiness of {@code states} (the whole list, in order) at {@code now}. */
  static Readiness compute(String name, EndpointState[] states, Options options, long now) {
    int n = states.length;
    List<Transition> transitions = new ArrayList<>();
    Map<EndpointHealth, Integer> counts = new EnumMap<>(EndpointHealth.class);
    List<EndpointState> available = new ArrayList<>(n);
    List<EndpointState> trials = new ArrayList<>();
    for (EndpointState state : states) {
      EndpointHealth health = healthOf(name, options.tracker, state.endpoint(), now);
      EndpointHealth before = state.health();
      if (before != null && before != health) {
        transitions.add(new Transition(state.endpoint(), before, health));
        if (health == EndpointHealth.AVAILABLE && options.slowStartNanos > 0) {
          startRamp(state, now);
        }
      }
      if (health == EndpointHealth.AVAILABLE && state.rampWhenAvailable) {
        state.rampWhenAvailable = false;
        if (options.slowStartNanos > 0) {
          startRamp(state, now);
        }
      }
      state.health(health);
      counts.merge(health, 1, Integer::sum);
      if (health == EndpointHealth.AVAILABLE) {
        available.add(state);
      } else if (health == EndpointHealth.TRIAL) {
        trials.add(state);
      }
    }
    // Endpoints never checked yet (UNKNOWN) count neither for nor against panic, and panic does
    // not send them calls: they wait for their first passing check.
    List<EndpointState> known = new ArrayList<>(n);
    for (EndpointState state : states) {
      if (state.health() != EndpointHealth.UNKNOWN) {
        known.add(state);
      }
    }
    int considered = known.size();
    boolean panic = options.panicThreshold > 0
        && considered > 0
        && (long) available.size() * 100 < (long) options.panicThreshold * considered;
    EndpointState[] ready = (panic ? known : available).toArray(new EndpointState[0]);
    EndpointState[] onTrial = panic ? new EndpointState[0] : trials.toArray(new EndpointState[0]);

    long delay = Long.MAX_VALUE;
    double[] ramp = null;
    if (options.slowStartNanos > 0) {
      for (int i = 0; i < ready.length; i++) {
        EndpointState state = ready[i];
        if (!state.ramping) {
          continue;
        }
        long elapsed = now - state.rampStartNanos;
        if (elapsed >= options.slowStartNanos || elapsed < 0) {
          state.ramping = false;
          continue;
        }
        if (ramp == null) {
          ramp = new double[ready.length];
          Arrays.fill(ramp, 1);
        }
        long step = Math.max(1, options.slowStartNanos / RAMP_STEPS);
        long steps = elapsed / step; // whole steps: between steps the offer, and the picker, stay the same
        ramp[i] = Math.max(options.slowStartMinPercent / 100.0, Math.min(1.0, steps / (double) RAMP_STEPS));
        delay = Math.min(delay, step - elapsed % step);
      }
    }
    if (options.tracker != null) {
      delay = Math.min(delay, untilChange(name, options.tracker, now));
    }
    if (delay != Long.MAX_VALUE) {
      delay = Math.max(delay, MIN_REFRESH_NANOS);
    }
    return new Readiness(
        ready, ramp, onTrial, panic, available.size(), unavailableMessage(name, n, counts), delay, transitions);
  }

  private static void startRamp(EndpointState state, long now) {
    state.ramping = true;
    state.rampStartNanos = now;
  }

  private static EndpointHealth healthOf(String name, @Nullable HealthTracker tracker, Endpoint endpoint, long now) {
    if (tracker == null) {
      return EndpointHealth.AVAILABLE;
    }
    try {
      EndpointHealth health = tracker.health(endpoint, now);
      return health == null ? EndpointHealth.AVAILABLE : health;
    } catch (RuntimeException e) {
      logger.warn("Health tracker {} of '{}' failed for {}; taken as available", tracker, name, endpoint, e);
      return EndpointHealth.AVAILABLE;
    }
  }

  private static long untilChange(String name, HealthTracker tracker, long now) {
    try {
      long delay = tracker.nanosUntilChange(now);
      return delay < 0 ? 0 : delay;
    } catch (RuntimeException e) {
      logger.warn("Health tracker {} of '{}' failed to say when health changes", tracker, name, e);
      return Long.MAX_VALUE;
    }
  }

  /** {@code no available endpoint in 'orders' (3 endpoints: 2 ejected, 1 unhealthy)}. */
  private static String unavailableMessage(String name, int n, Map<EndpointHealth, Integer> counts) {
    StringBuilder message = new StringBuilder("no available endpoint in '").append(name).append("' (").append(n)
        .append(n == 1 ? " endpoint" : " endpoints");
    String separator = ": ";
    for (Map.Entry<EndpointHealth, Integer> entry : counts.entrySet()) {
      if (entry.getKey() != EndpointHealth.AVAILABLE) {
        message.append(separator).append(entry.getValue()).append(' ').append(entry.getKey().label());
        separator = ", ";
      }
    }
    return message.append(')').toString();
  }

  /** Whether this offers the same endpoints, ramps and trials as {@code other}. */
  boolean sameOffer(EndpointState[] otherReady, double @Nullable [] otherRamp, EndpointState[] otherTrials) {
    return Arrays.equals(ready, otherReady) && Arrays.equals(ramp, otherRamp) && Arrays.equals(trials, otherTrials);
  }

  private static Endpoint[] endpointsOf(EndpointState[] states) {
    Endpoint[] endpoints = new Endpoint[states.length];
    for (int i = 0; i < states.length; i++) {
      endpoints[i] = states[i].endpoint();
    }
    return endpoints;
  }
}
