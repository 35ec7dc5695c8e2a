package dev.roundabout.lb;

/**
 * Hears what happens to a load balancer's endpoints, for logs, metrics and alerts. Every callback
 * has a no-op default; implement the ones you need.
 *
 * <p>Callbacks run on the balancer's serialized update path (the thread that delivered the change),
 * one at a time and in order, never on the pick path. They must return quickly and must not block.
 * An exception thrown by a callback is logged and swallowed.
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
}
