package dev.roundabout.lb;

import dev.roundabout.lb.health.EndpointHealth;
import dev.roundabout.lb.health.HealthReason;
import dev.roundabout.lb.internal.ThreadLocalRandomGenerator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An immutable view of a {@link LoadBalancer}, published through one volatile field: the ready
 * endpoints and their picker, the endpoints on trial, the full list, the error of a failed pick,
 * and when a time-driven change is due; and, for {@link LoadBalancer#describe()}, the health of
 * every endpoint with the reason its tracker gave, and the removed endpoints still draining. Those
 * are computed on the update path with the rest, so that a description is as consistent as the
 * snapshot and a pick never pays for it.
 */
final class Snapshot {
  /** {@link #refreshAt} when nothing time-driven is pending. */
  static final long NEVER = Long.MIN_VALUE;
  /** The picker of an empty ready list: never called, as a pick checks the size first. */
  static final Picker NO_PICKER = context -> {
    throw new IllegalStateException("no endpoint to pick from");
  };
  private static final EndpointState[] NO_STATES = new EndpointState[0];
  private static final Endpoint[] NO_ENDPOINTS = new Endpoint[0];
  private static final EndpointHealth[] NO_HEALTH = new EndpointHealth[0];
  private static final HealthReason[] NO_REASONS = new HealthReason[0];

  final ReadyList ready;
  /** {@code ready}'s endpoints, one hop nearer for the pick path. */
  final Endpoint[] endpoints;
  /** The picker of {@link #ready}; {@link #NO_PICKER} when it is empty (a pick checks that first). */
  final Picker picker;
  final EndpointState[] trials;
  final Endpoint[] trialEndpoints;
  final boolean panic;
  final List<Endpoint> all;
  final EndpointState[] allStates;
  /** The health of each of {@link #allStates} in this snapshot; not to be modified. */
  final EndpointHealth[] health;
  /** Why each of {@link #allStates} is out, null when it is not or its tracker did not say; not to be modified. */
  final @Nullable HealthReason[] reasons;
  /** Endpoints removed from the list that had calls in flight when this snapshot was built. */
  final EndpointState[] draining;
  final String unavailableMessage;
  /** When a time-driven change is due (ticker time), or {@link #NEVER}. */
  final long refreshAt;
  final boolean closed;

  private Snapshot(
      ReadyList ready,
      Picker picker,
      EndpointState[] trials,
      Endpoint[] trialEndpoints,
      boolean panic,
      List<Endpoint> all,
      EndpointState[] allStates,
      EndpointHealth[] health,
      @Nullable HealthReason[] reasons,
      EndpointState[] draining,
      String unavailableMessage,
      long refreshAt,
      boolean closed) {
    this.ready = ready;
    this.endpoints = ready.endpoints;
    this.picker = picker;
    this.trials = trials;
    this.trialEndpoints = trialEndpoints;
    this.panic = panic;
    this.all = all;
    this.allStates = allStates;
    this.health = health;
    this.reasons = reasons;
    this.draining = draining;
    this.unavailableMessage = unavailableMessage;
    this.refreshAt = refreshAt;
    this.closed = closed;
  }

  Snapshot(
      ReadyList ready,
      Picker picker,
      Readiness readiness,
      List<Endpoint> all,
      EndpointState[] allStates,
      EndpointState[] draining,
      String unavailableMessage,
      long refreshAt,
      boolean closed) {
    this(ready, picker, readiness.trials, readiness.trialEndpoints, readiness.panic, all, allStates,
        readiness.health, readiness.reasons, draining, unavailableMessage, refreshAt, closed);
  }

  Snapshot withRefreshAt(long at) {
    return new Snapshot(ready, picker, trials, trialEndpoints, panic, all, allStates, health, reasons,
        draining, unavailableMessage, at == NEVER ? at + 1 : at, closed);
  }

  Snapshot withMessage(String message) {
    return new Snapshot(ready, picker, trials, trialEndpoints, panic, all, allStates, health, reasons, draining,
        message, refreshAt, closed);
  }

  static Snapshot empty(String name) {
    return new Snapshot(
        emptyList(name), NO_PICKER, NO_STATES, NO_ENDPOINTS, false, List.of(), NO_STATES, NO_HEALTH, NO_REASONS,
        NO_STATES, "no available endpoint in '" + name + "' (0 endpoints)", NEVER, false);
  }

  static Snapshot closed(String name) {
    return new Snapshot(
        emptyList(name), NO_PICKER, NO_STATES, NO_ENDPOINTS, false, List.of(), NO_STATES, NO_HEALTH, NO_REASONS,
        NO_STATES, "load balancer '" + name + "' is closed", NEVER, true);
  }

  private static ReadyList emptyList(String name) {
    return new ReadyList(
        name, NO_STATES, NO_ENDPOINTS, ThreadLocalRandomGenerator.INSTANCE, Ticker.system(), null, null);
  }

  RuntimeException unavailable() {
    String name = ready.balancerName();
    return closed
        ? new IllegalStateException(unavailableMessage)
        : new NoAvailableEndpointException(name, unavailableMessage);
  }
}
