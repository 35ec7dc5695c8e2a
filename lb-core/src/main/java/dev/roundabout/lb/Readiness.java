package dev.roundabout.lb;

import dev.roundabout.lb.health.EndpointHealth;
import dev.roundabout.lb.health.HealthReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Which endpoints one snapshot offers, computed on the balancer's update path from the health its
 * tracker reports, the panic threshold and slow start: the ready endpoints (with their ramp
 * fractions), the endpoints on trial, the health transitions since the last computation, and when
 * to compute again.
 *
 * <p>Not thread-safe: confined to the update path. Changes no state until {@link #commit}.
 */
final class Readiness {

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
  /** The health of each state computed from, in the order of that array. */
  final EndpointHealth[] health;
  /** Why each state computed from is out, in the same order; null entries for those that are not, or unexplained. */
  final @Nullable HealthReason[] reasons;
  private final boolean[] ramping;
  private final long[] rampStart;
  private final boolean[] rampPending;

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
    final HealthBridge health;
    final int panicThreshold;
    final long slowStartNanos;
    final int slowStartMinPercent;

    Options(HealthBridge health, int panicThreshold, long slowStartNanos, int slowStartMinPercent) {
      this.health = health;
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
      List<Transition> transitions,
      EndpointHealth[] health,
      @Nullable HealthReason[] reasons,
      boolean[] ramping,
      long[] rampStart,
      boolean[] rampPending) {
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
    this.health = health;
    this.reasons = reasons;
    this.ramping = ramping;
    this.rampStart = rampStart;
    this.rampPending = rampPending;
  }

  /** Computes the readiness of {@code states} (the whole list, in order) at {@code now}. */
  static Readiness compute(String name, EndpointState[] states, Options options, long now) {
    int n = states.length;
    List<Transition> transitions = new ArrayList<>();
    Map<EndpointHealth, Integer> counts = new EnumMap<>(EndpointHealth.class);
    // What this computation would make of each state; committed only when the snapshot is built.
    EndpointHealth[] health = new EndpointHealth[n];
    @Nullable HealthReason[] reasons = new HealthReason[n];
    boolean[] ramping = new boolean[n];
    long[] rampStart = new long[n];
    boolean[] rampPending = new boolean[n];
    List<Integer> available = new ArrayList<>(n);
    List<Integer> known = new ArrayList<>(n);
    List<Integer> trials = new ArrayList<>();
    boolean slowStart = options.slowStartNanos > 0;
    for (int i = 0; i < n; i++) {
      EndpointState state = states[i];
      EndpointHealth h = options.health.health(state.endpoint(), now);
      EndpointHealth before = state.health();
      ramping[i] = state.ramping;
      rampStart[i] = state.rampStartNanos;
      rampPending[i] = state.rampWhenAvailable;
      boolean rampNow = false;
      if (before != null && before != h) {
        transitions.add(new Transition(state.endpoint(), before, h));
        rampNow = h == EndpointHealth.AVAILABLE;
      }
      if (h == EndpointHealth.AVAILABLE && rampPending[i]) {
        rampPending[i] = false;
        rampNow = true;
      }
      if (rampNow && slowStart) {
        ramping[i] = true;
        rampStart[i] = now;
      }
      health[i] = h;
      if (h != EndpointHealth.AVAILABLE) {
        reasons[i] = options.health.reason(state.endpoint(), h, now); // for describe(): why, as of this verdict
      }
      counts.merge(h, 1, Integer::sum);
      if (h == EndpointHealth.AVAILABLE) {
        available.add(i);
      } else if (h == EndpointHealth.TRIAL) {
        trials.add(i);
      }
      // Endpoints never checked yet (UNKNOWN) count neither for nor against panic, and panic
      // does not send them calls: they wait for their first passing check.
      if (h != EndpointHealth.UNKNOWN) {
        known.add(i);
      }
    }
    boolean panic = options.panicThreshold > 0
        && !known.isEmpty()
        && (long) available.size() * 100 < (long) options.panicThreshold * known.size();
    List<Integer> readyIndexes = available;
    if (panic) {
      // Panic distrusts health, not facts: an endpoint whose latest outcome said it does not answer
      // at all (refused, unreachable) stays out while some other endpoint answers.
      List<Integer> answering = new ArrayList<>(known.size());
      for (int i : known) {
        if (!states[i].silent()) {
          answering.add(i);
        }
      }
      readyIndexes = answering.isEmpty() ? known : answering;
    }
    EndpointState[] ready = statesAt(states, readyIndexes);
    EndpointState[] onTrial = panic ? new EndpointState[0] : statesAt(states, trials);

    long delay = Long.MAX_VALUE;
    double[] ramp = null;
    if (slowStart) {
      for (int r = 0; r < ready.length; r++) {
        int i = readyIndexes.get(r);
        if (!ramping[i]) {
          continue;
        }
        long elapsed = now - rampStart[i];
        if (elapsed >= options.slowStartNanos || elapsed < 0) {
          ramping[i] = false;
          continue;
        }
        if (ramp == null) {
          ramp = new double[ready.length];
          Arrays.fill(ramp, 1);
        }
        long step = Math.max(1, options.slowStartNanos / RAMP_STEPS);
        long steps = elapsed / step; // whole steps: between steps the offer, and the picker, stay the same
        ramp[r] = Math.max(options.slowStartMinPercent / 100.0, Math.min(1.0, steps / (double) RAMP_STEPS));
        delay = Math.min(delay, step - elapsed % step);
      }
    }
    delay = Math.min(delay, options.health.nanosUntilChange(now));
    if (delay != Long.MAX_VALUE) {
      delay = Math.max(delay, MIN_REFRESH_NANOS);
    }
    return new Readiness(
        ready, ramp, onTrial, panic, available.size(), unavailableMessage(name, n, counts), delay, transitions,
        health, reasons, ramping, rampStart, rampPending);
  }

  /**
   * Writes what this computation made of each state (health, slow start) into {@code states}, the
   * array it was computed from: called once the snapshot built from it is published.
   */
  void commit(EndpointState[] states) {
    for (int i = 0; i < states.length; i++) {
      EndpointState state = states[i];
      EndpointHealth before = state.health();
      if (before != null && before != EndpointHealth.AVAILABLE && health[i] == EndpointHealth.AVAILABLE) {
        state.forgetLatency(); // back from ejection or failed checks: judged afresh, not by its old failures
      }
      state.health(health[i]);
      state.ramping = ramping[i];
      state.rampStartNanos = rampStart[i];
      state.rampWhenAvailable = rampPending[i];
    }
  }

  private static EndpointState[] statesAt(EndpointState[] states, List<Integer> indexes) {
    EndpointState[] result = new EndpointState[indexes.size()];
    for (int r = 0; r < result.length; r++) {
      result[r] = states[indexes.get(r)];
    }
    return result;
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
