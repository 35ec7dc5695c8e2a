package dev.roundabout.lb;

import dev.roundabout.lb.health.EndpointHealth;

/**
 * Hears what happens to a load balancer's endpoints, for logs, metrics and alerts. Every callback
 * has a no-op default; implement the ones you need.
 *
 * <p>Callbacks run on the balancer's serialized update path (the thread that delivered the change),
 * one at a time and in order, never on the pick path. They must return quickly and must not block.
 *
 * <p>A {@code RuntimeException} thrown by a callback is logged and swallowed. An {@code Error} (an
 * {@code AssertionError} in a test, say) is logged and held until the update is complete: the
 * update is applied in full (the new list, the health tracker told, the snapshot published), every
 * listener still hears every event of it, and then the first {@code Error}, with any later ones
 * suppressed, is rethrown to the thread that ran the update. For a list from
 * {@code MutableEndpointSource.update} that is normally the caller of {@code update}; for the first
 * list, the caller of {@code LoadBalancer.Builder.build()}, whose build then fails and leaves the
 * balancer closed; for a health change or a due refresh, a thread of the balancer's executor.
 */
public interface LoadBalancerListener {
  /** {@code endpoint} joined the balancer {@code balancer}. */
  default void onEndpointAdded(String balancer, Endpoint endpoint) {}

  /**
   * {@code endpoint} left the balancer {@code balancer}; no new call goes to it, and leases open on
   * it complete normally.
   */
  default void onEndpointRemoved(String balancer, Endpoint endpoint) {}

  /**
   * The balancer {@code balancer} went from having an available endpoint to having none; picks
   * throw {@link NoAvailableEndpointException} with {@code reason} until one is back.
   */
  default void onNoAvailableEndpoint(String balancer, String reason) {}

  /**
   * {@code endpoint} stopped taking calls for {@code reason}: {@link EndpointHealth#EJECTED} by
   * outlier detection or {@link EndpointHealth#CIRCUIT_OPEN} by its circuit breaker.
   */
  default void onEndpointEjected(String balancer, Endpoint endpoint, EndpointHealth reason) {}

  /** {@code endpoint} takes calls again after it was ejected or its circuit was open. */
  default void onEndpointRestored(String balancer, Endpoint endpoint) {}

  /** {@code endpoint} failed its active health checks and takes no calls. */
  default void onHealthCheckFailed(String balancer, Endpoint endpoint) {}

  /** {@code endpoint} passed its active health checks and takes calls (again). */
  default void onHealthCheckPassed(String balancer, Endpoint endpoint) {}

  /**
   * Only {@code available} of {@code total} endpoints are available, below the panic threshold:
   * picks now go to every endpoint, healthy or not, rather than overload the few.
   */
  default void onPanicEntered(String balancer, int available, int total) {}

  /** Enough endpoints are available again ({@code available} of {@code total}): panic ended. */
  default void onPanicExited(String balancer, int available, int total) {}

  /**
   * The balancer's source cannot read its registry: the last good list stays in force (or, before
   * the first list, picks keep failing and say why). {@code status} says since when and why.
   */
  default void onSourceStale(String balancer, SourceStatus status) {}

  /** The balancer's source, stale before, reads its registry again. */
  default void onSourceCurrent(String balancer, SourceStatus status) {}
}
